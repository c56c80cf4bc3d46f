// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.28;

import {TestBase} from "./utils/Vm.sol";
import {ReceiptCodec} from "../src/ReceiptCodec.sol";

/// Exposes the library as external calls, so the tests can catch its reverts.
contract ReceiptCodecHarness {
    function encode(ReceiptCodec.ExecutionReceipt calldata r) external pure returns (bytes memory) {
        return ReceiptCodec.encode(r);
    }

    function hash(ReceiptCodec.ExecutionReceipt calldata r) external pure returns (bytes32) {
        return ReceiptCodec.hash(r);
    }

    function resultDigest(ReceiptCodec.ExecutionReceipt calldata r) external pure returns (bytes32) {
        return ReceiptCodec.resultDigest(r);
    }
}

/// The golden receipt of tests/Grains.Tests/Receipts/ReceiptCodecTests.cs: the same hash and result digest as the
/// marketplace's ReceiptCodec, both computed outside .NET from the README's layout table.
contract ReceiptCodecTest is TestBase {
    ReceiptCodecHarness private codec;

    bytes32 private constant GOLDEN_HASH = 0x26c1bec3170d2c6c1e08bd2dc29a4070712a4b9c0e2434120eecd193bf86946a;
    bytes32 private constant GOLDEN_RESULT = 0xd5f0254ea9cc2fcf3298969bba0807eba12940ee2248aa1c30b55996ad742c16;

    function setUp() public {
        codec = new ReceiptCodecHarness();
    }

    function _filled(uint8 b) private pure returns (bytes32 word) {
        for (uint256 i; i < 32; ++i) word |= bytes32(uint256(b) << (8 * i));
    }

    function _golden() private pure returns (ReceiptCodec.ExecutionReceipt memory r) {
        r.jobId = "job-golden";
        r.attempt = 2;
        r.programId = "prog-golden";
        r.wasmHash = _filled(0x11);
        r.abiKind = 2;
        r.inputHash = _filled(0x22);
        r.invocationHash = _filled(0x33);
        r.stateRootIn = _filled(0x44);
        r.outcome = 1;
        r.outputHash = _filled(0x55);
        r.fuelConsumed = 351;
        r.stateRootOut = _filled(0x66);
        r.engineName = "wasmtime";
        r.engineVersion = "50.0.1";
        r.engineConfigDigest = _filled(0x77);
        r.workerId = "w1";
        r.timestampMs = 1_767_323_045_678;
    }

    function test_Golden_HashAndResultDigestMatchTheMarketplace() public view {
        ReceiptCodec.ExecutionReceipt memory r = _golden();
        vm.assertEq(codec.encode(r).length, 325, "encoding length");
        vm.assertEq(codec.hash(r), GOLDEN_HASH, "receipt hash");
        vm.assertEq(codec.resultDigest(r), GOLDEN_RESULT, "result digest");
    }

    function test_ResultDigest_IgnoresWhoAndWhenButNotWhat() public view {
        ReceiptCodec.ExecutionReceipt memory r = _golden();
        r.attempt = 3;
        r.workerId = "w2";
        r.timestampMs = 1;
        vm.assertEq(codec.resultDigest(r), GOLDEN_RESULT, "same result by another worker at another time");
        vm.assertTrue(codec.hash(r) != GOLDEN_HASH, "another receipt");
        r.fuelConsumed = 352;
        vm.assertTrue(codec.resultDigest(r) != GOLDEN_RESULT, "other fuel, other result");
    }

    function test_EveryFieldChangesTheHash() public view {
        bytes32[17] memory seen;
        for (uint256 field; field < 17; ++field) {
            ReceiptCodec.ExecutionReceipt memory r = _golden();
            if (field == 0) r.jobId = "job-golden2";
            else if (field == 1) r.attempt = 1;
            else if (field == 2) r.programId = "prog-golden2";
            else if (field == 3) r.wasmHash = _filled(0x12);
            else if (field == 4) r.abiKind = 1;
            else if (field == 5) r.inputHash = _filled(0x23);
            else if (field == 6) r.invocationHash = _filled(0x34);
            else if (field == 7) r.stateRootIn = _filled(0x45);
            else if (field == 8) r.outcome = 2;
            else if (field == 9) r.outputHash = _filled(0x56);
            else if (field == 10) r.fuelConsumed = 350;
            else if (field == 11) r.stateRootOut = _filled(0x67);
            else if (field == 12) r.engineName = "wasmtimf";
            else if (field == 13) r.engineVersion = "50.0.2";
            else if (field == 14) r.engineConfigDigest = _filled(0x78);
            else if (field == 15) r.workerId = "w3";
            else r.timestampMs = 1_767_323_045_679;
            seen[field] = codec.hash(r);
            vm.assertTrue(seen[field] != GOLDEN_HASH, vm.toString(field));
            for (uint256 j; j < field; ++j) vm.assertTrue(seen[j] != seen[field], "two changes, one hash");
        }
    }

    function test_RevertWhen_AFieldHasNoCanonicalEncoding() public {
        ReceiptCodec.ExecutionReceipt memory r = _golden();
        r.jobId = "";
        _expectField(r, "job_id");
        r = _golden();
        r.workerId = string(new bytes(257));
        _expectField(r, "worker_id");
        r = _golden();
        r.attempt = 0;
        _expectField(r, "attempt");
        r.attempt = uint32(1) << 31;
        _expectField(r, "attempt");
        r = _golden();
        r.abiKind = 3;
        _expectField(r, "abi");
        r = _golden();
        r.outcome = 5;
        _expectField(r, "outcome");
        r.outcome = 0;
        _expectField(r, "outcome");
        r = _golden();
        r.fuelConsumed = uint64(1) << 63;
        _expectField(r, "fuel_consumed");
        // The longest allowed string is 256 bytes.
        r = _golden();
        r.workerId = string(new bytes(256));
        vm.assertEq(codec.encode(r).length, 325 - 2 + 256, "a 256-byte worker id encodes");
    }

    function _expectField(ReceiptCodec.ExecutionReceipt memory r, string memory field) private {
        vm.expectRevert(abi.encodeWithSelector(ReceiptCodec.InvalidReceiptField.selector, field));
        codec.hash(r);
    }
}
