// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.28;

import {TestBase, console} from "./utils/Vm.sol";
import {Bls12381} from "../src/Bls12381.sol";
import {MarketToken} from "../src/MarketToken.sol";
import {ReceiptCodec} from "../src/ReceiptCodec.sol";
import {Staking} from "../src/Staking.sol";
import {WorkerKeyRegistry} from "../src/WorkerKeyRegistry.sol";
import {BlsSigning} from "./utils/BlsSigning.sol";

/// Slashing by proof: two receipts of one job with different results signed by one registered key.
contract DoubleSignSlashingTest is TestBase, BlsSigning {
    MarketToken private token;
    Staking private staking;
    address private constant ADMIN = address(0xAD);
    address private constant TREASURY = address(0x7E);
    address private constant WORKER = address(0xE1);
    address private constant OTHER = address(0xE2);
    address private constant REPORTER = address(0xBEEF);
    uint256 private constant SECRET = 0x1234567890abcdef;
    uint256 private constant OTHER_SECRET = 0xfedcba0987654321;
    uint256 private constant STAKE = 5000;
    bytes32 private immutable w1 = keccak256("w1");

    function setUp() public {
        token = new MarketToken("Market Token", "MKT", 6, address(this));
        staking = new Staking(token, 7 days, 1000, TREASURY, ADMIN);
        _join(WORKER, "w1", SECRET);
        _join(OTHER, "w2", OTHER_SECRET);
    }

    function _join(address worker, string memory id, uint256 secret) private {
        token.mint(worker, STAKE);
        vm.startPrank(worker);
        staking.registerKey(id, _publicKey(secret), _proofOfPossession(secret));
        token.approve(address(staking), STAKE);
        staking.stake(STAKE);
        vm.stopPrank();
    }

    function _receipt(bytes32 output) private pure returns (ReceiptCodec.ExecutionReceipt memory r) {
        r.jobId = "job-1";
        r.attempt = 1;
        r.programId = "prog";
        r.abiKind = 2;
        r.outcome = 1;
        r.outputHash = output;
        r.fuelConsumed = 1000;
        r.engineName = "wasmtime";
        r.engineVersion = "50.0.1";
        r.workerId = "w1";
        r.timestampMs = 1;
    }

    struct Evidence {
        ReceiptCodec.ExecutionReceipt a;
        Bls12381.G2Point sa;
        ReceiptCodec.ExecutionReceipt b;
        Bls12381.G2Point sb;
    }

    function _evidence() private view returns (Evidence memory e) {
        e.a = _receipt(keccak256("one output"));
        e.b = _receipt(keccak256("another output"));
        e.sa = _signReceipt(SECRET, sha256(ReceiptCodec.encode(e.a)));
        e.sb = _signReceipt(SECRET, sha256(ReceiptCodec.encode(e.b)));
    }

    function test_TwoResultsOfOneJob_SlashTheWholeStakeAndBanTheKey_Once() public {
        Evidence memory e = _evidence();
        uint64 epoch = staking.registryEpoch();
        vm.prank(REPORTER);
        uint256 before = gasleft();
        uint256 taken = staking.slashDoubleSign(w1, e.a, e.sa, e.b, e.sb);
        console.log(string.concat("slashDoubleSign gas (call included): ", vm.toString(before - gasleft())));
        vm.assertEq(taken, STAKE, "the whole stake");
        vm.assertEq(token.balanceOf(TREASURY), STAKE, "to the treasury");
        vm.assertEq(staking.stakeOf(WORKER), 0, "nothing left");
        vm.assertTrue(staking.workerKey(w1).banned, "banned");
        vm.assertEq(staking.registryEpoch(), epoch + 1, "the ban moved the epoch");
        vm.assertFalse(staking.isEligible(w1), "ineligible");
        vm.assertEq(staking.stakeOf(OTHER), STAKE, "another worker untouched");

        bytes32 evidence = staking.doubleSignEvidenceHash(
            Bls12381.compressG1(_publicKey(SECRET)), sha256(ReceiptCodec.encode(e.a)), sha256(ReceiptCodec.encode(e.b))
        );
        vm.assertEq(staking.evidenceWorker(evidence), WORKER, "evidence recorded");
        // The same pair again, in either order: one offence.
        vm.expectRevert(abi.encodeWithSelector(Staking.EvidenceAlreadyUsed.selector, evidence, WORKER));
        staking.slashDoubleSign(w1, e.b, e.sb, e.a, e.sa);
    }

    function test_EvidenceHash_IsTheMarketplacesForEitherOrder() public view {
        bytes memory key = hex"93abd3d50cad5e0082745c701e6c6013538f5bedd81daee8c540bd487c64b61b3cc72d11d3cc26677690b8dd21395176";
        bytes32 a = bytes32(uint256(1));
        bytes32 b = bytes32(uint256(2));
        bytes32 expected = sha256(abi.encodePacked("marketplace/double-sign-evidence/v1", key, a, b));
        vm.assertEq(staking.doubleSignEvidenceHash(key, a, b), expected, "in order");
        vm.assertEq(staking.doubleSignEvidenceHash(key, b, a), expected, "reversed");
    }

    function test_RevertWhen_TheResultsAreTheSame() public {
        ReceiptCodec.ExecutionReceipt memory a = _receipt(keccak256("one output"));
        ReceiptCodec.ExecutionReceipt memory b = _receipt(keccak256("one output"));
        b.attempt = 2; // another receipt of the same result
        Bls12381.G2Point memory sa = _signReceipt(SECRET, sha256(ReceiptCodec.encode(a)));
        Bls12381.G2Point memory sb = _signReceipt(SECRET, sha256(ReceiptCodec.encode(b)));
        vm.expectRevert(Staking.SameResult.selector);
        staking.slashDoubleSign(w1, a, sa, b, sb);
    }

    function test_RevertWhen_TheJobsDiffer() public {
        Evidence memory e = _evidence();
        e.b.jobId = "job-2";
        e.sb = _signReceipt(SECRET, sha256(ReceiptCodec.encode(e.b)));
        vm.expectRevert(Staking.NotOneJob.selector);
        staking.slashDoubleSign(w1, e.a, e.sa, e.b, e.sb);
    }

    function test_RevertWhen_ASignatureIsAnotherKeysOrTheFuelIsTampered() public {
        Evidence memory e = _evidence();
        Bls12381.G2Point memory byOther = _signReceipt(OTHER_SECRET, sha256(ReceiptCodec.encode(e.b)));
        vm.expectRevert(abi.encodeWithSelector(Staking.InvalidSignature.selector, sha256(ReceiptCodec.encode(e.b))));
        staking.slashDoubleSign(w1, e.a, e.sa, e.b, byOther);

        // The second receipt's fuel changed after it was signed.
        e.b.fuelConsumed = 1;
        vm.expectRevert(abi.encodeWithSelector(Staking.InvalidSignature.selector, sha256(ReceiptCodec.encode(e.b))));
        staking.slashDoubleSign(w1, e.a, e.sa, e.b, e.sb);
        vm.assertEq(staking.stakeOf(WORKER), STAKE, "nothing taken");
    }

    function test_RevertWhen_TheSignerIsNotRegistered() public {
        Evidence memory e = _evidence();
        vm.expectRevert(abi.encodeWithSelector(WorkerKeyRegistry.UnknownWorker.selector, keccak256("w9")));
        staking.slashDoubleSign(keccak256("w9"), e.a, e.sa, e.b, e.sb);
    }

    function test_RevertWhen_AReceiptHasNoCanonicalEncoding() public {
        Evidence memory e = _evidence();
        e.b.outcome = 9;
        vm.expectRevert(abi.encodeWithSelector(ReceiptCodec.InvalidReceiptField.selector, "outcome"));
        staking.slashDoubleSign(w1, e.a, e.sa, e.b, e.sb);
    }
}
