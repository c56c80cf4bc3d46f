// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.28;

import {TestBase, console} from "./utils/Vm.sol";
import {Bls12381} from "../src/Bls12381.sol";
import {Escrow} from "../src/Escrow.sol";
import {MarketToken} from "../src/MarketToken.sol";
import {ReceiptCodec} from "../src/ReceiptCodec.sol";
import {ReceiptRelease} from "../src/ReceiptRelease.sol";
import {Staking} from "../src/Staking.sol";
import {ReleaseFixture} from "./utils/ReleaseFixture.sol";

/// Escrow released on a receipt signed by the job's threshold of registered workers, and every refusal.
contract ReceiptReleaseTest is ReleaseFixture {
    bytes32 private constant JOB = keccak256("job-1");
    uint8 private constant FEE = 10; // the committee's percent in signed terms

    function setUp() public {
        _deployAndRegisterWorkers();
        _depositWithTerms(JOB, 2);
    }

    function _receipt() private pure returns (ReceiptCodec.ExecutionReceipt memory r) {
        r.jobId = "job-1";
        r.attempt = 1;
        r.programId = "prog";
        r.abiKind = 2;
        r.outcome = 1;
        r.outputHash = keccak256("output");
        r.fuelConsumed = FUEL;
        r.engineName = "wasmtime";
        r.engineVersion = "50.0.1";
        r.workerId = "w1";
        r.timestampMs = 1;
    }

    /// The signers' id hashes in ascending order and their aggregate signature over `r`.
    function _signed(ReceiptCodec.ExecutionReceipt memory r, uint256[] memory who)
        private
        view
        returns (bytes32[] memory signers, Bls12381.G2Point memory aggregate)
    {
        bytes32 receiptHash = sha256(ReceiptCodec.encode(r));
        signers = new bytes32[](who.length);
        for (uint256 i; i < who.length; ++i) {
            signers[i] = keccak256(bytes(ids[who[i]]));
            Bls12381.G2Point memory one = _signReceipt(_secret(who[i]), receiptHash);
            aggregate = i == 0 ? one : Bls12381.addG2(aggregate, one);
        }

        for (uint256 i = 1; i < signers.length; ++i) {
            for (uint256 j = i; j > 0 && signers[j] < signers[j - 1]; --j) {
                (signers[j], signers[j - 1]) = (signers[j - 1], signers[j]);
            }
        }
    }

    function _two(uint256 a, uint256 b) private pure returns (uint256[] memory who) {
        who = new uint256[](2);
        (who[0], who[1]) = (a, b);
    }

    function test_AValidReceipt_PaysTheExecutorExactlyOnce() public {
        ReceiptCodec.ExecutionReceipt memory r = _receipt();
        (bytes32[] memory signers, Bls12381.G2Point memory aggregate) = _signed(r, _two(0, 1));
        vm.prank(ANYONE);
        uint256 before = gasleft();
        uint256 paid = release.releaseByProof(JOB, r, signers, aggregate);
        console.log(string.concat("releaseByProof, 2 signers, gas (call included): ", vm.toString(before - gasleft())));
        vm.assertEq(paid, uint256(FUEL) * PRICE, "fuel at the price");
        vm.assertEq(escrow.claimable(_worker(0)), paid, "the executor");
        vm.assertEq(escrow.claimable(_worker(1)), 0, "a signer is not paid");
        vm.assertEq(escrow.claimable(CLIENT), ESCROWED - paid, "the rest to the client");
        vm.assertEq(uint256(escrow.jobStateAt(1)), uint256(Escrow.JobState.Released), "released");

        // The same receipt again: the job is no longer open.
        vm.expectRevert(abi.encodeWithSelector(ReceiptRelease.JobNotOpen.selector, JOB));
        release.releaseByProof(JOB, r, signers, aggregate);
    }

    function test_ThreeSigners_AndFuelAboveTheEscrowPaysTheEscrow() public {
        ReceiptCodec.ExecutionReceipt memory r = _receipt();
        r.fuelConsumed = type(uint64).max >> 1;
        uint256[] memory who = new uint256[](3);
        (who[0], who[1], who[2]) = (0, 1, 2);
        (bytes32[] memory signers, Bls12381.G2Point memory aggregate) = _signed(r, who);
        uint256 before = gasleft();
        uint256 paid = release.releaseByProof(JOB, r, signers, aggregate);
        console.log(string.concat("releaseByProof, 3 signers, gas (call included): ", vm.toString(before - gasleft())));
        vm.assertEq(paid, ESCROWED, "capped at the escrow");
        vm.assertEq(escrow.claimable(CLIENT), 0, "nothing back");
    }

    function test_RevertWhen_OneSignerShort() public {
        ReceiptCodec.ExecutionReceipt memory r = _receipt();
        uint256[] memory who = new uint256[](1);
        (bytes32[] memory signers, Bls12381.G2Point memory aggregate) = _signed(r, who);
        vm.expectRevert(abi.encodeWithSelector(ReceiptRelease.TooFewSigners.selector, 1, 2));
        release.releaseByProof(JOB, r, signers, aggregate);
    }

    function test_RevertWhen_ASignerIsNotRegistered() public {
        ReceiptCodec.ExecutionReceipt memory r = _receipt();
        (bytes32[] memory signers, Bls12381.G2Point memory aggregate) = _signed(r, _two(0, 1));
        bytes32 stranger = keccak256("w9");
        signers[signers[0] == keccak256("w1") ? 1 : 0] = stranger;
        if (signers[0] > signers[1]) (signers[0], signers[1]) = (signers[1], signers[0]);
        vm.expectRevert(abi.encodeWithSelector(ReceiptRelease.SignerNotEligible.selector, stranger));
        release.releaseByProof(JOB, r, signers, aggregate);
    }

    function test_RevertWhen_ASignerIsUnstakedOrBanned() public {
        ReceiptCodec.ExecutionReceipt memory r = _receipt();
        (bytes32[] memory signers, Bls12381.G2Point memory aggregate) = _signed(r, _two(0, 3));
        vm.expectRevert(abi.encodeWithSelector(ReceiptRelease.SignerNotEligible.selector, keccak256("w4")));
        release.releaseByProof(JOB, r, signers, aggregate);

        // w2 banned for double signing.
        bytes32 slasher = staking.SLASHER_ROLE();
        vm.prank(ADMIN);
        staking.grantRole(slasher, address(this));
        staking.slash(_worker(1), keccak256("two results"), Staking.SlashReason.DoubleSign);
        (signers, aggregate) = _signed(r, _two(0, 1));
        vm.expectRevert(abi.encodeWithSelector(ReceiptRelease.SignerNotEligible.selector, keccak256("w2")));
        release.releaseByProof(JOB, r, signers, aggregate);
    }

    function test_RevertWhen_TheFuelIsTampered() public {
        ReceiptCodec.ExecutionReceipt memory r = _receipt();
        (bytes32[] memory signers, Bls12381.G2Point memory aggregate) = _signed(r, _two(0, 1));
        r.fuelConsumed = FUEL * 2;
        vm.expectRevert(abi.encodeWithSelector(ReceiptRelease.InvalidAggregateSignature.selector, sha256(ReceiptCodec.encode(r))));
        release.releaseByProof(JOB, r, signers, aggregate);
        vm.assertEq(uint256(escrow.jobStateAt(1)), uint256(Escrow.JobState.Open), "still open");
    }

    function test_RevertWhen_TheReceiptIsAnotherJobs() public {
        ReceiptCodec.ExecutionReceipt memory r = _receipt();
        r.jobId = "job-2";
        (bytes32[] memory signers, Bls12381.G2Point memory aggregate) = _signed(r, _two(0, 1));
        vm.expectRevert(abi.encodeWithSelector(ReceiptRelease.WrongJob.selector, JOB, keccak256("job-2")));
        release.releaseByProof(JOB, r, signers, aggregate);
    }

    function test_RevertWhen_TheExecutorDidNotSignOrSignersRepeat() public {
        ReceiptCodec.ExecutionReceipt memory r = _receipt();
        (bytes32[] memory signers, Bls12381.G2Point memory aggregate) = _signed(r, _two(1, 2));
        vm.expectRevert(abi.encodeWithSelector(ReceiptRelease.ExecutorNotSigner.selector, keccak256("w1")));
        release.releaseByProof(JOB, r, signers, aggregate);

        (signers, aggregate) = _signed(r, _two(0, 1));
        signers[1] = signers[0];
        vm.expectRevert(abi.encodeWithSelector(ReceiptRelease.SignersNotAscending.selector, 1));
        release.releaseByProof(JOB, r, signers, aggregate);
    }

    function test_Terms_OnlyTheClientOnceForAnOpenJob() public {
        vm.expectRevert(abi.encodeWithSelector(ReceiptRelease.NotTheClient.selector, JOB, CLIENT));
        release.setTerms(JOB, 1, 1, 0);
        vm.prank(CLIENT);
        vm.expectRevert(abi.encodeWithSelector(ReceiptRelease.TermsAlreadySet.selector, JOB));
        release.setTerms(JOB, 1, 1, 0);
        vm.prank(CLIENT);
        vm.expectRevert(abi.encodeWithSelector(ReceiptRelease.ThresholdOutOfRange.selector, 17));
        release.setTerms(JOB, 1, 17, 0);
        vm.expectRevert(abi.encodeWithSelector(ReceiptRelease.NoTerms.selector, keccak256("job-9")));
        ReceiptCodec.ExecutionReceipt memory r = _receipt();
        release.releaseByProof(keccak256("job-9"), r, new bytes32[](0), Bls12381.G2Point(0, 0, 0, 0, 0, 0, 0, 0));
    }

    /// A second job escrowed by a client whose key the test holds.
    function _signingClientJob() private returns (address client, uint256 key, bytes32 job) {
        key = 0xC11E47;
        client = vm.addr(key);
        job = keccak256("job-signed-terms");
        token.mint(client, ESCROWED);
        vm.startPrank(client);
        token.approve(address(escrow), ESCROWED);
        escrow.deposit(job, ESCROWED, uint64(block.timestamp + 1 days));
        vm.stopPrank();
    }

    function _signTerms(uint256 key, bytes32 job, uint128 price, uint8 threshold, uint8 fee)
        private
        view
        returns (bytes memory)
    {
        bytes32 digest = release.termsDigest(job, price, threshold, fee);
        (uint8 v, bytes32 r, bytes32 s) =
            vm.sign(key, keccak256(abi.encodePacked("\x19Ethereum Signed Message:\n32", digest)));
        return abi.encodePacked(r, s, v);
    }

    function test_SignedTerms_StatedByAnyoneOnceAndTheJobReleasesOnThem() public {
        (address client, uint256 key, bytes32 job) = _signingClientJob();
        bytes memory signature = _signTerms(key, job, PRICE, 2, FEE);
        vm.prank(ANYONE);
        uint256 before = gasleft();
        release.setTermsWithSignature(job, PRICE, 2, FEE, signature);
        console.log(string.concat("setTermsWithSignature gas (call included): ", vm.toString(before - gasleft())));
        (uint128 price, uint8 threshold, uint8 fee) = release.termsOf(job);
        vm.assertEq(uint256(fee), uint256(FEE), "committee fee");
        vm.assertEq(uint256(price), uint256(PRICE), "price");
        vm.assertEq(uint256(threshold), 2, "threshold");

        vm.expectRevert(abi.encodeWithSelector(ReceiptRelease.TermsAlreadySet.selector, job));
        release.setTermsWithSignature(job, PRICE, 2, FEE, signature);

        ReceiptCodec.ExecutionReceipt memory r = _receipt();
        r.jobId = "job-signed-terms";
        (bytes32[] memory signers, Bls12381.G2Point memory aggregate) = _signed(r, _two(0, 2));
        vm.prank(ANYONE);
        uint256 paid = release.releaseByProof(job, r, signers, aggregate);
        vm.assertEq(paid, uint256(FUEL) * PRICE, "fuel at the signed price");
        vm.assertEq(escrow.claimable(_worker(2)), paid * FEE / 100, "the committee member: the signed fee");
        vm.assertEq(escrow.claimable(_worker(0)), paid - paid * FEE / 100, "the executor: the rest of the charge");
        vm.assertEq(escrow.claimable(client), ESCROWED - paid, "the rest to the client");
    }

    /// The committee's fee split as the marketplace splits a payout: evenly among the signers other than the
    /// executor, rounded down, the units left over to the executor.
    function test_TheCommitteeSharesItsFeeEvenly_TheUnitsLeftOverToTheExecutor() public {
        bytes32 job = keccak256("job-fee");
        _depositWithTerms(job, 3, 10);
        ReceiptCodec.ExecutionReceipt memory r = _receipt();
        r.jobId = "job-fee";
        r.fuelConsumed = FUEL + 1; // 200,050 at the price: a fee of 20,005 between two members
        uint256[] memory who = new uint256[](3);
        (who[0], who[1], who[2]) = (0, 1, 2);
        (bytes32[] memory signers, Bls12381.G2Point memory aggregate) = _signed(r, who);
        vm.expectEmit(address(release));
        emit ReceiptRelease.ReleasedByProof(job, sha256(ReceiptCodec.encode(r)), _worker(0), 200_050, 3, 20_004);
        uint256 paid = release.releaseByProof(job, r, signers, aggregate);
        vm.assertEq(paid, 200_050, "charged");
        vm.assertEq(escrow.claimable(_worker(1)), 10_002, "member w2");
        vm.assertEq(escrow.claimable(_worker(2)), 10_002, "member w3");
        vm.assertEq(escrow.claimable(_worker(0)), 200_050 - 20_004, "the executor, with the unit left over");
        vm.assertEq(escrow.claimable(CLIENT), ESCROWED - 200_050, "the rest to the client");

        // A fee above 100 percent is not terms.
        bytes32 other = keccak256("job-fee-2");
        token.mint(CLIENT, ESCROWED);
        vm.startPrank(CLIENT);
        token.approve(address(escrow), ESCROWED);
        escrow.deposit(other, ESCROWED, uint64(block.timestamp + 1 days));
        vm.expectRevert(abi.encodeWithSelector(ReceiptRelease.FeeOutOfRange.selector, 101));
        release.setTerms(other, PRICE, 2, 101);
        vm.stopPrank();
    }

    function test_RevertWhen_SignedTermsAreNotTheClients() public {
        (address client, uint256 key, bytes32 job) = _signingClientJob();
        // Signed by another key.
        bytes memory stranger = _signTerms(0x5EC2E7, job, PRICE, 2, FEE);
        vm.expectRevert(abi.encodeWithSelector(ReceiptRelease.BadTermsSignature.selector, job, vm.addr(0x5EC2E7), client));
        release.setTermsWithSignature(job, PRICE, 2, FEE, stranger);
        // The client's signature over other terms: a higher price, another threshold, another job.
        bytes memory signature = _signTerms(key, job, PRICE, 2, FEE);
        vm.expectRevert();
        release.setTermsWithSignature(job, PRICE + 1, 2, FEE, signature);
        vm.expectRevert();
        release.setTermsWithSignature(job, PRICE, 1, FEE, signature);
        vm.expectRevert();
        release.setTermsWithSignature(job, PRICE, 2, FEE + 1, signature);
        bytes memory otherJob = _signTerms(key, JOB, PRICE, 2, FEE);
        vm.expectRevert();
        release.setTermsWithSignature(JOB, PRICE, 2, FEE, otherJob);
        // A malformed signature, a threshold out of range, a job that is not open.
        vm.expectRevert(abi.encodeWithSelector(ReceiptRelease.BadTermsSignature.selector, job, address(0), client));
        release.setTermsWithSignature(job, PRICE, 2, FEE, hex"0102");
        bytes memory zero = _signTerms(key, job, PRICE, 0, FEE);
        vm.expectRevert(abi.encodeWithSelector(ReceiptRelease.ThresholdOutOfRange.selector, 0));
        release.setTermsWithSignature(job, PRICE, 0, FEE, zero);
        bytes memory unknown = _signTerms(key, keccak256("job-9"), PRICE, 2, FEE);
        vm.expectRevert(abi.encodeWithSelector(ReceiptRelease.JobNotOpen.selector, keccak256("job-9")));
        release.setTermsWithSignature(keccak256("job-9"), PRICE, 2, FEE, unknown);
        // Terms signed for another deployment do not count here.
        ReceiptRelease other = new ReceiptRelease(escrow, staking);
        bytes32 elsewhere = other.termsDigest(job, PRICE, 2, FEE);
        (uint8 v, bytes32 r, bytes32 s) =
            vm.sign(key, keccak256(abi.encodePacked("\x19Ethereum Signed Message:\n32", elsewhere)));
        vm.expectRevert();
        release.setTermsWithSignature(job, PRICE, 2, FEE, abi.encodePacked(r, s, v));
        (, uint8 threshold,) = release.termsOf(job);
        vm.assertEq(uint256(threshold), 0, "no terms stated");
    }
}
