// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.28;

import {TestBase} from "./utils/Vm.sol";
import {ReceiptBatch} from "../src/ReceiptBatch.sol";
import {ReceiptTree} from "./utils/ReceiptTree.sol";

/// Exposes the library's calldata functions as external calls.
contract ReceiptBatchHarness {
    function signedMessage(bytes32 receiptHash, ReceiptBatch.Proof calldata proof) external pure returns (bytes32) {
        return ReceiptBatch.signedMessage(receiptHash, proof);
    }

    function rootFromPath(bytes32 receiptHash, uint256 index, uint256 size, bytes32[] calldata path)
        external
        pure
        returns (bool fits, bytes32 root)
    {
        return ReceiptBatch.rootFromPath(receiptHash, index, size, path);
    }
}

/// The batch layout against the marketplace's own: the golden batch of
/// tests/Grains.Tests/Receipts/ReceiptBatchTests.cs (`TheGoldenBatchHasThePinnedRootPathsAndSigningHash`), computed by
/// `ReceiptBatch.Build` and `ReceiptBatch.SigningHash` in .NET; then every size's paths and the malformed proofs.
contract ReceiptBatchTest is TestBase {
    ReceiptBatchHarness private batch;

    bytes32 private constant GOLDEN_ROOT = 0x7b8e6edaecfeb4ef9714d7e8db4f7b7ba64b2e948412502829860724c317fb67;
    bytes32 private constant GOLDEN_SIGNING_HASH = 0x43a2dc45ae576ef4970c14d30737002ccdd8cba775450d46d9f7f11979198ce3;

    function setUp() public {
        batch = new ReceiptBatchHarness();
    }

    /// Receipt hash i of the golden batch: SHA-256 of ASCII "marketplace batch vector receipt i".
    function _goldenHashes() private pure returns (bytes32[] memory hashes) {
        hashes = new bytes32[](7);
        for (uint256 i; i < 7; ++i) {
            hashes[i] = sha256(abi.encodePacked("marketplace batch vector receipt ", bytes1(uint8(0x30 + i))));
        }
    }

    function _goldenPath5() private pure returns (bytes32[] memory path) {
        path = new bytes32[](3);
        path[0] = 0xbab27f54785a1a94989944bb777181134a95d4e54bbf961c4de17a4340c393e4;
        path[1] = 0x9b9b18a4ea1fcc96a0fa839abd7c529c8748b0d3f8dd399dcd0e9b0cf69968f6;
        path[2] = 0x76e767b97e60cf1d05412de18a510f90e4c55e058e11b3b7d61ab88b34fb883b;
    }

    function test_GoldenBatch_MatchesTheDotNetRootPathsAndSigningHash() public view {
        bytes32[] memory hashes = _goldenHashes();
        bytes32[] memory path5 = _goldenPath5();
        bytes32[] memory path6 = new bytes32[](2);
        path6[0] = 0xe112d0cfadd381c47059e6508f9ad71fde2e239477d6a5e0836009843eae091b;
        path6[1] = 0x76e767b97e60cf1d05412de18a510f90e4c55e058e11b3b7d61ab88b34fb883b;

        (bool fits, bytes32 root) = batch.rootFromPath(hashes[5], 5, 7, path5);
        vm.assertTrue(fits, "path of leaf 5 fits");
        vm.assertEq(root, GOLDEN_ROOT, "leaf 5 leads to the .NET root");
        (fits, root) = batch.rootFromPath(hashes[6], 6, 7, path6);
        vm.assertTrue(fits, "path of leaf 6 fits");
        vm.assertEq(root, GOLDEN_ROOT, "leaf 6 (the odd one out) leads to the .NET root");
        vm.assertEq(ReceiptBatch.signingHash(412, 7, GOLDEN_ROOT), GOLDEN_SIGNING_HASH, "signing hash");
        vm.assertEq(
            batch.signedMessage(hashes[5], ReceiptBatch.Proof(412, 7, 5, GOLDEN_ROOT, path5)),
            GOLDEN_SIGNING_HASH,
            "signed message"
        );

        // The test's own tree builder (used to sign batches below) makes the same tree.
        (bytes32 built, bytes32[] memory builtPath) = ReceiptTree.build(hashes, 5);
        vm.assertEq(built, GOLDEN_ROOT, "builder root");
        vm.assertEq(keccak256(abi.encode(builtPath)), keccak256(abi.encode(path5)), "builder path");
    }

    function test_EveryLeafOfEverySizeUpTo33LeadsToTheRoot() public view {
        for (uint256 size = 2; size <= 33; ++size) {
            bytes32[] memory hashes = new bytes32[](size);
            for (uint256 i; i < size; ++i) hashes[i] = keccak256(abi.encode(size, i));
            for (uint256 i; i < size; ++i) {
                (bytes32 root, bytes32[] memory path) = ReceiptTree.build(hashes, i);
                (bool fits, bytes32 computed) = batch.rootFromPath(hashes[i], i, size, path);
                vm.assertTrue(fits && computed == root, "leaf leads to the root");
                (fits, computed) = batch.rootFromPath(hashes[i], (i + 1) % size, size, path);
                vm.assertTrue(!fits || computed != root, "the path from another index does not");
            }
        }
    }

    function test_RevertWhen_TheProofIsMalformed() public {
        bytes32[] memory hashes = _goldenHashes();
        bytes32[] memory path5 = _goldenPath5();
        ReceiptBatch.Proof memory p = ReceiptBatch.Proof(412, 7, 5, GOLDEN_ROOT, path5);
        p.sequence = 0;
        _expectMalformed(hashes[5], p);
        p.sequence = uint64(type(int64).max) + 1;
        _expectMalformed(hashes[5], p);
        p.sequence = 412;
        p.size = 1;
        _expectMalformed(hashes[5], p);
        p.size = uint32(ReceiptBatch.MAX_SIZE + 1);
        _expectMalformed(hashes[5], p);
        p.size = 7;
        p.index = 7;
        _expectMalformed(hashes[5], p);
        p.index = 5;
        p.path = new bytes32[](2); // one short
        (p.path[0], p.path[1]) = (path5[0], path5[1]);
        _expectMalformed(hashes[5], p);
        p.path = new bytes32[](4); // one too many
        (p.path[0], p.path[1], p.path[2], p.path[3]) = (path5[0], path5[1], path5[2], path5[2]);
        _expectMalformed(hashes[5], p);
        p.path = path5;
        vm.assertEq(batch.signedMessage(hashes[5], p), GOLDEN_SIGNING_HASH, "restored");
    }

    function test_RevertWhen_ThePathLeadsElsewhere() public {
        bytes32[] memory hashes = _goldenHashes();
        ReceiptBatch.Proof memory p = ReceiptBatch.Proof(412, 7, 5, GOLDEN_ROOT, _goldenPath5());
        (, bytes32 computed) = batch.rootFromPath(hashes[4], 5, 7, p.path);
        vm.expectRevert(abi.encodeWithSelector(ReceiptBatch.BadBatchProof.selector, computed, GOLDEN_ROOT));
        batch.signedMessage(hashes[4], p); // another receipt of the batch at this proof's place
        p.root = bytes32(uint256(GOLDEN_ROOT) ^ 1);
        vm.expectRevert(abi.encodeWithSelector(ReceiptBatch.BadBatchProof.selector, GOLDEN_ROOT, p.root));
        batch.signedMessage(hashes[5], p);
    }

    function _expectMalformed(bytes32 receiptHash, ReceiptBatch.Proof memory p) private {
        vm.expectRevert(ReceiptBatch.MalformedBatchProof.selector);
        batch.signedMessage(receiptHash, p);
    }
}
