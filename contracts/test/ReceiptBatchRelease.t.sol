// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.28;

import {TestBase, console} from "./utils/Vm.sol";
import {Bls12381} from "../src/Bls12381.sol";
import {Escrow} from "../src/Escrow.sol";
import {MarketToken} from "../src/MarketToken.sol";
import {ReceiptBatch} from "../src/ReceiptBatch.sol";
import {ReceiptCodec} from "../src/ReceiptCodec.sol";
import {ReceiptRelease} from "../src/ReceiptRelease.sol";
import {Staking} from "../src/Staking.sol";
import {ReleaseFixture} from "./utils/ReleaseFixture.sol";
import {ReceiptTree} from "./utils/ReceiptTree.sol";

/// Escrow released on a receipt its executor signed in a batch (`releaseByBatchProof`), and every refusal: the
/// batch signed in the test with the precompiles, the tree built as a worker builds it.
contract ReceiptBatchReleaseTest is ReleaseFixture {
    bytes32 private constant JOB = keccak256("job-1"); // threshold 1
    bytes32 private constant COMMITTEE_JOB = keccak256("job-2"); // threshold 2

    function setUp() public {
        _deployAndRegisterWorkers();
        _depositWithTerms(JOB, 1);
        _depositWithTerms(COMMITTEE_JOB, 2);
    }

    function _receipt(string memory jobId, string memory workerId)
        private
        pure
        returns (ReceiptCodec.ExecutionReceipt memory r)
    {
        r.jobId = jobId;
        r.attempt = 1;
        r.programId = "prog";
        r.abiKind = 2;
        r.outcome = 1;
        r.outputHash = keccak256("output");
        r.fuelConsumed = FUEL;
        r.engineName = "wasmtime";
        r.engineVersion = "50.0.1";
        r.workerId = workerId;
        r.timestampMs = 1;
    }

    /// `r` at leaf `index` of a batch of `size` (the other leaves other receipts), batch number `sequence`, signed by
    /// worker `signer`: the receipt's inclusion proof and the signature over the batch's signing hash.
    function _batchSigned(
        ReceiptCodec.ExecutionReceipt memory r,
        uint64 sequence,
        uint256 size,
        uint256 index,
        uint256 signer
    ) private view returns (ReceiptBatch.Proof memory proof, Bls12381.G2Point memory signature) {
        bytes32[] memory hashes = new bytes32[](size);
        for (uint256 i; i < size; ++i) {
            hashes[i] = i == index ? ReceiptCodec.hash(r) : bytes32(uint256(sequence) << 128 | (i + 1)); // other receipts
        }
        (bytes32 root, bytes32[] memory path) = ReceiptTree.build(hashes, index);
        proof = ReceiptBatch.Proof(sequence, uint32(size), uint32(index), root, path);
        signature = _signReceipt(_secret(signer), ReceiptBatch.signingHash(sequence, uint32(size), root));
    }

    function _copy(ReceiptBatch.Proof memory p) private pure returns (ReceiptBatch.Proof memory c) {
        c = ReceiptBatch.Proof(p.sequence, p.size, p.index, p.root, new bytes32[](p.path.length));
        for (uint256 i; i < p.path.length; ++i) c.path[i] = p.path[i];
    }

    function test_ABatchSignedReceipt_PaysTheExecutorExactlyOnce() public {
        ReceiptCodec.ExecutionReceipt memory r = _receipt("job-1", "w1");
        (ReceiptBatch.Proof memory proof, Bls12381.G2Point memory signature) = _batchSigned(r, 9, 6, 4, 0);
        uint256 expected = uint256(FUEL) * PRICE;
        vm.expectEmit(address(release));
        emit ReceiptRelease.ReleasedByProof(JOB, ReceiptCodec.hash(r), _worker(0), expected, 1, 0);
        vm.prank(ANYONE);
        uint256 paid = release.releaseByBatchProof(JOB, r, proof, signature);
        vm.assertEq(paid, expected, "fuel at the price");
        vm.assertEq(escrow.claimable(_worker(0)), paid, "the executor");
        vm.assertEq(escrow.claimable(CLIENT), ESCROWED - paid, "the rest to the client");
        vm.assertEq(uint256(escrow.jobStateAt(1)), uint256(Escrow.JobState.Released), "released");

        // The same proof again, or the receipt's own signature path: the job is no longer open.
        vm.expectRevert(abi.encodeWithSelector(ReceiptRelease.JobNotOpen.selector, JOB));
        release.releaseByBatchProof(JOB, r, proof, signature);
        bytes32[] memory signers = new bytes32[](1);
        signers[0] = keccak256("w1");
        Bls12381.G2Point memory alone = _signReceipt(_secret(0), ReceiptCodec.hash(r));
        vm.expectRevert(abi.encodeWithSelector(ReceiptRelease.JobNotOpen.selector, JOB));
        release.releaseByProof(JOB, r, signers, alone);
    }

    /// Gas of a release on a batch proof, as a transaction's (`isolate`), against `releaseByProof` of the same job
    /// signed alone; for batches of 2, 64 and 4,096 receipts (1, 6 and 12 path hashes).
    function test_Gas_ReleaseByBatchProof() public {
        ReceiptCodec.ExecutionReceipt memory r = _receipt("job-1", "w1");
        uint256 snapshot = vm.snapshotState();
        uint256[3] memory sizes = [uint256(2), 64, 4096];
        uint256[3] memory gasUsed;
        for (uint256 i; i < sizes.length; ++i) {
            vm.revertToState(snapshot);
            (ReceiptBatch.Proof memory proof, Bls12381.G2Point memory signature) =
                _batchSigned(r, 3, sizes[i], sizes[i] - 1, 0);
            release.releaseByBatchProof(JOB, r, proof, signature);
            gasUsed[i] = vm.lastCallGas().gasTotalUsed;
            console.log(
                string.concat(
                    "releaseByBatchProof, batch of ",
                    vm.toString(sizes[i]),
                    " (",
                    vm.toString(proof.path.length),
                    " path hashes), transaction gas: ",
                    vm.toString(gasUsed[i])
                )
            );
        }
        vm.revertToState(snapshot);
        bytes32[] memory signers = new bytes32[](1);
        signers[0] = keccak256("w1");
        Bls12381.G2Point memory alone = _signReceipt(_secret(0), ReceiptCodec.hash(r));
        release.releaseByProof(JOB, r, signers, alone);
        uint256 single = vm.lastCallGas().gasTotalUsed;
        console.log(string.concat("releaseByProof, 1 signer (signed alone), transaction gas: ", vm.toString(single)));
        vm.assertTrue(single > 21_000, "run with isolate = true (foundry.toml) for transaction gas");
        // A path hash costs a SHA-256, 32 bytes of calldata and the loop: the proof adds little to the pairing.
        vm.assertLt(gasUsed[0], single + 10_000, "a batch of 2 costs about what a receipt signed alone does");
        vm.assertLt(gasUsed[2] - gasUsed[0], 11 * 2_000, "at most 2,000 gas per path hash");
    }

    function test_RevertWhen_TheProofIsForAnotherBatch() public {
        ReceiptCodec.ExecutionReceipt memory r = _receipt("job-1", "w1");
        (ReceiptBatch.Proof memory proof9, Bls12381.G2Point memory signature9) = _batchSigned(r, 9, 6, 4, 0);
        (ReceiptBatch.Proof memory proof10,) = _batchSigned(r, 10, 6, 4, 0);
        // Batch 10's proof (a valid path to its root) with batch 9's signature.
        bytes32 receiptHash = ReceiptCodec.hash(r);
        vm.expectRevert(
            abi.encodeWithSelector(
                ReceiptRelease.InvalidBatchSignature.selector, receiptHash, ReceiptBatch.signingHash(10, 6, proof10.root)
            )
        );
        release.releaseByBatchProof(JOB, r, proof10, signature9);
        // Batch 9's root under another sequence number or size: the worker never signed that batch.
        ReceiptBatch.Proof memory moved = _copy(proof9);
        moved.sequence = 10;
        vm.expectRevert(
            abi.encodeWithSelector(
                ReceiptRelease.InvalidBatchSignature.selector, receiptHash, ReceiptBatch.signingHash(10, 6, proof9.root)
            )
        );
        release.releaseByBatchProof(JOB, r, moved, signature9);
        moved = _copy(proof9);
        moved.size = 5; // leaf 4 of 5 has a path of one hash, not two
        vm.expectRevert(ReceiptBatch.MalformedBatchProof.selector);
        release.releaseByBatchProof(JOB, r, moved, signature9);
        // Signed by another worker than the receipt's.
        (, Bls12381.G2Point memory byW2) = _batchSigned(r, 9, 6, 4, 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                ReceiptRelease.InvalidBatchSignature.selector, receiptHash, ReceiptBatch.signingHash(9, 6, proof9.root)
            )
        );
        release.releaseByBatchProof(JOB, r, proof9, byW2);
        vm.assertEq(uint256(escrow.jobStateAt(1)), uint256(Escrow.JobState.Open), "still open");
    }

    function test_RevertWhen_TheReceiptIsMovedToAnotherIndex() public {
        ReceiptCodec.ExecutionReceipt memory r = _receipt("job-1", "w1");
        (ReceiptBatch.Proof memory proof, Bls12381.G2Point memory signature) = _batchSigned(r, 9, 6, 4, 0);
        ReceiptBatch.Proof memory moved = _copy(proof);
        moved.index = 5; // the same path length at leaf 5 of 6
        vm.expectPartialRevert(ReceiptBatch.BadBatchProof.selector);
        release.releaseByBatchProof(JOB, r, moved, signature);
        moved.index = 0; // leaf 0 of 6 has three path hashes
        vm.expectRevert(ReceiptBatch.MalformedBatchProof.selector);
        release.releaseByBatchProof(JOB, r, moved, signature);
    }

    function test_RevertWhen_TheRootOrTheReceiptIsChanged() public {
        ReceiptCodec.ExecutionReceipt memory r = _receipt("job-1", "w1");
        (ReceiptBatch.Proof memory proof, Bls12381.G2Point memory signature) = _batchSigned(r, 9, 6, 4, 0);
        ReceiptBatch.Proof memory wrongRoot = _copy(proof);
        wrongRoot.root = keccak256("another root");
        vm.expectRevert(abi.encodeWithSelector(ReceiptBatch.BadBatchProof.selector, proof.root, wrongRoot.root));
        release.releaseByBatchProof(JOB, r, wrongRoot, signature);
        ReceiptBatch.Proof memory wrongPath = _copy(proof);
        wrongPath.path[1] = keccak256("another sibling");
        vm.expectPartialRevert(ReceiptBatch.BadBatchProof.selector);
        release.releaseByBatchProof(JOB, r, wrongPath, signature);
        r.fuelConsumed = FUEL * 2; // the receipt's hash, so its leaf, changes
        vm.expectPartialRevert(ReceiptBatch.BadBatchProof.selector);
        release.releaseByBatchProof(JOB, r, proof, signature);
    }

    function test_RevertWhen_TheProofIsMalformed() public {
        ReceiptCodec.ExecutionReceipt memory r = _receipt("job-1", "w1");
        (ReceiptBatch.Proof memory proof, Bls12381.G2Point memory signature) = _batchSigned(r, 9, 6, 4, 0);
        ReceiptBatch.Proof memory bad = _copy(proof);
        bad.size = 1;
        _expectMalformed(r, bad, signature);
        bad.size = uint32(ReceiptBatch.MAX_SIZE + 1);
        _expectMalformed(r, bad, signature);
        bad.size = 6;
        bad.index = 6;
        _expectMalformed(r, bad, signature);
        bad.index = 4;
        bad.sequence = 0;
        _expectMalformed(r, bad, signature);
        bad.sequence = uint64(type(int64).max) + 1;
        _expectMalformed(r, bad, signature);
        bad.sequence = 9;
        bad.path = new bytes32[](1);
        bad.path[0] = proof.path[0];
        _expectMalformed(r, bad, signature);
        bad.path = new bytes32[](3);
        (bad.path[0], bad.path[1], bad.path[2]) = (proof.path[0], proof.path[1], proof.path[1]);
        _expectMalformed(r, bad, signature);
        bad.path = new bytes32[](0);
        _expectMalformed(r, bad, signature);
    }

    function test_RevertWhen_TheJobNeedsMoreThanOneSigner() public {
        ReceiptCodec.ExecutionReceipt memory r = _receipt("job-2", "w1");
        (ReceiptBatch.Proof memory proof, Bls12381.G2Point memory signature) = _batchSigned(r, 9, 6, 4, 0);
        vm.expectRevert(abi.encodeWithSelector(ReceiptRelease.TooFewSigners.selector, 1, 2));
        release.releaseByBatchProof(COMMITTEE_JOB, r, proof, signature);
    }

    function test_RevertWhen_TheExecutorIsNotEligible() public {
        // Registered but unstaked.
        ReceiptCodec.ExecutionReceipt memory r = _receipt("job-1", "w4");
        (ReceiptBatch.Proof memory proof, Bls12381.G2Point memory signature) = _batchSigned(r, 9, 6, 4, 3);
        vm.expectRevert(abi.encodeWithSelector(ReceiptRelease.SignerNotEligible.selector, keccak256("w4")));
        release.releaseByBatchProof(JOB, r, proof, signature);
        // Not registered at all.
        r = _receipt("job-1", "w9");
        (proof, signature) = _batchSigned(r, 9, 6, 4, 0);
        vm.expectRevert(abi.encodeWithSelector(ReceiptRelease.SignerNotEligible.selector, keccak256("w9")));
        release.releaseByBatchProof(JOB, r, proof, signature);
        // Banned for double signing.
        bytes32 slasher = staking.SLASHER_ROLE();
        vm.prank(ADMIN);
        staking.grantRole(slasher, address(this));
        staking.slash(_worker(1), keccak256("two results"), Staking.SlashReason.DoubleSign);
        r = _receipt("job-1", "w2");
        (proof, signature) = _batchSigned(r, 9, 6, 4, 1);
        vm.expectRevert(abi.encodeWithSelector(ReceiptRelease.SignerNotEligible.selector, keccak256("w2")));
        release.releaseByBatchProof(JOB, r, proof, signature);
    }

    function test_RevertWhen_TheJobOrTermsDoNotMatch() public {
        ReceiptCodec.ExecutionReceipt memory r = _receipt("job-2", "w1");
        (ReceiptBatch.Proof memory proof, Bls12381.G2Point memory signature) = _batchSigned(r, 9, 6, 4, 0);
        vm.expectRevert(abi.encodeWithSelector(ReceiptRelease.WrongJob.selector, JOB, keccak256("job-2")));
        release.releaseByBatchProof(JOB, r, proof, signature);
        vm.expectRevert(abi.encodeWithSelector(ReceiptRelease.NoTerms.selector, keccak256("job-9")));
        release.releaseByBatchProof(keccak256("job-9"), r, proof, signature);
    }

    /// A signature that is not a point: the pairing refuses it within its gas allowance, whatever the call carries.
    function test_RevertWhen_TheSignatureIsOffTheCurve_WithBoundedGas() public {
        ReceiptCodec.ExecutionReceipt memory r = _receipt("job-1", "w1");
        (ReceiptBatch.Proof memory proof, Bls12381.G2Point memory signature) = _batchSigned(r, 9, 6, 4, 0);
        signature.y0Lo ^= 1;
        uint256 before = gasleft();
        try release.releaseByBatchProof{gas: 20_000_000}(JOB, r, proof, signature) returns (uint256) {
            vm.assertTrue(false, "an off-curve signature released the job");
        } catch (bytes memory reason) {
            vm.assertEq(reason, abi.encodeWithSelector(Bls12381.BlsPrecompileFailed.selector, address(0x0f)), "typed");
        }
        uint256 used = before - gasleft();
        console.log(string.concat("releaseByBatchProof, off-curve signature, gas (call included): ", vm.toString(used)));
        vm.assertLt(used, 500_000, "bounded by the pairing's allowance, not the 20,000,000 given");
    }

    function _expectMalformed(
        ReceiptCodec.ExecutionReceipt memory r,
        ReceiptBatch.Proof memory proof,
        Bls12381.G2Point memory signature
    ) private {
        vm.expectRevert(ReceiptBatch.MalformedBatchProof.selector);
        release.releaseByBatchProof(JOB, r, proof, signature);
    }
}
