// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.28;

import {TestBase, console} from "./utils/Vm.sol";
import {Bls12381} from "../src/Bls12381.sol";
import {MarketToken} from "../src/MarketToken.sol";
import {Staking} from "../src/Staking.sol";
import {WorkerKeyRegistry} from "../src/WorkerKeyRegistry.sol";
import {BlsVectors, SignedCase} from "./vectors/BlsVectors.sol";

/// Worker keys registered in the Staking contract with their proofs of possession, made with the marketplace's own
/// crypto/Bls (the "marketplace" proof-of-possession cases of the shared vectors).
contract WorkerKeyRegistryTest is TestBase {
    MarketToken private token;
    Staking private staking;
    address private constant ADMIN = address(0xAD);
    address private constant SLASHER = address(0x51);
    address private constant TREASURY = address(0x7E);
    uint256 private constant MIN = 1000;
    SignedCase[] private proofs;

    function setUp() public {
        token = new MarketToken("Market Token", "MKT", 6, address(this));
        staking = new Staking(token, 7 days, MIN, TREASURY, ADMIN);
        bytes32 role = staking.SLASHER_ROLE();
        vm.prank(ADMIN);
        staking.grantRole(role, SLASHER);
        SignedCase[] memory cases = BlsVectors.signed();
        for (uint256 i; i < cases.length; ++i) {
            if (keccak256(cases[i].dst) == keccak256(Bls12381.POP_DST) && cases[i].expected) proofs.push(cases[i]);
        }
        vm.assertTrue(proofs.length >= 3, "the shared vectors hold three marketplace proofs of possession");
    }

    function _worker(uint256 i) private pure returns (address) {
        return address(uint160(0xE0 + i));
    }

    function _register(uint256 i, string memory workerId) private returns (uint64) {
        vm.prank(_worker(i));
        return staking.registerKey(workerId, proofs[i].pk, proofs[i].sig);
    }

    function _stake(uint256 i, uint256 amount) private {
        token.mint(_worker(i), amount);
        vm.startPrank(_worker(i));
        token.approve(address(staking), amount);
        staking.stake(amount);
        vm.stopPrank();
    }

    function test_Register_StoresTheKeyAndMovesTheEpoch() public {
        bytes32 idHash = keccak256("w1");
        bytes32 keyHash = keccak256(proofs[0].pubkey);
        vm.expectEmit(address(staking));
        emit WorkerKeyRegistry.KeyRegistered(idHash, _worker(0), keyHash, "w1", proofs[0].pubkey, 1);
        uint256 before = gasleft();
        vm.assertEq(_register(0, "w1"), 1, "epoch after the first key");
        console.log(string.concat("registerKey gas (call included): ", vm.toString(before - gasleft())));
        WorkerKeyRegistry.WorkerKey memory entry = staking.workerKey(idHash);
        vm.assertEq(entry.worker, _worker(0), "payee");
        vm.assertEq(entry.registeredAt, 1, "joined at");
        vm.assertFalse(entry.banned, "banned");
        vm.assertEq(keccak256(abi.encode(entry.publicKey)), keccak256(abi.encode(proofs[0].pk)), "point");
        vm.assertEq(staking.keyOwner(keyHash), idHash, "key owner");
        vm.assertEq(staking.workerIdOf(_worker(0)), idHash, "id of address");
        vm.assertEq(staking.workerOf(idHash), _worker(0), "address of id");
        vm.assertEq(staking.workerOf(keccak256("w2")), address(0), "no address for an unknown id");
        vm.assertEq(_register(1, "w2"), 2, "epoch after the second key");
        vm.assertEq(staking.registryEpoch(), 2, "epoch");
    }

    function test_RevertWhen_ProofIsAnotherKeys() public {
        vm.prank(_worker(0));
        vm.expectRevert(abi.encodeWithSelector(WorkerKeyRegistry.InvalidProofOfPossession.selector, keccak256(proofs[0].pubkey)));
        staking.registerKey("w1", proofs[0].pk, proofs[1].sig);
        vm.assertEq(staking.registryEpoch(), 0, "nothing registered");
    }

    function test_RevertWhen_WorkerIdIsEmptyOrTooLong() public {
        vm.prank(_worker(0));
        vm.expectRevert(abi.encodeWithSelector(WorkerKeyRegistry.InvalidWorkerId.selector, 0));
        staking.registerKey("", proofs[0].pk, proofs[0].sig);
        bytes memory long = new bytes(257);
        for (uint256 i; i < long.length; ++i) long[i] = "w";
        vm.prank(_worker(0));
        vm.expectRevert(abi.encodeWithSelector(WorkerKeyRegistry.InvalidWorkerId.selector, 257));
        staking.registerKey(string(long), proofs[0].pk, proofs[0].sig);
    }

    function test_RevertWhen_WorkerIdKeyOrAddressIsTaken() public {
        _register(0, "w1");
        // Another address, the same worker id.
        vm.prank(_worker(1));
        vm.expectRevert(abi.encodeWithSelector(WorkerKeyRegistry.WorkerIdTaken.selector, keccak256("w1"), _worker(0)));
        staking.registerKey("w1", proofs[1].pk, proofs[1].sig);
        // The same address, a second worker id.
        vm.prank(_worker(0));
        vm.expectRevert(abi.encodeWithSelector(WorkerKeyRegistry.AddressHasWorkerId.selector, _worker(0), keccak256("w1")));
        staking.registerKey("w9", proofs[1].pk, proofs[1].sig);
        // Another address and id, the same key.
        vm.prank(_worker(2));
        vm.expectRevert(abi.encodeWithSelector(WorkerKeyRegistry.KeyTaken.selector, keccak256(proofs[0].pubkey), keccak256("w1")));
        staking.registerKey("w3", proofs[0].pk, proofs[0].sig);
    }

    function test_RevertWhen_KeyIsInfinityOrOffTheCurve() public {
        Bls12381.G1Point memory infinity;
        vm.prank(_worker(0));
        vm.expectRevert(Bls12381.BlsInfinityPublicKey.selector);
        staking.registerKey("w1", infinity, proofs[0].sig);
        Bls12381.G1Point memory off = proofs[0].pk;
        off.yLo ^= 1;
        vm.prank(_worker(0));
        vm.expectRevert(abi.encodeWithSelector(Bls12381.BlsPrecompileFailed.selector, address(0x0c)));
        staking.registerKey("w1", off, proofs[0].sig);
        vm.assertEq(staking.registryEpoch(), 0, "nothing registered");
    }

    function test_RevertWhen_WorkerIsUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(WorkerKeyRegistry.UnknownWorker.selector, keccak256("nobody")));
        staking.workerKey(keccak256("nobody"));
    }

    function test_Eligible_OnlyRegisteredStakedAndNotBanned() public {
        bytes32 w1 = keccak256("w1");
        vm.assertFalse(staking.isEligible(w1), "unknown");
        _register(0, "w1");
        vm.assertFalse(staking.isEligible(w1), "registered, no stake");
        _stake(0, MIN - 1);
        vm.assertFalse(staking.isEligible(w1), "below the minimum");
        _stake(0, 1);
        vm.assertTrue(staking.isEligible(w1), "registered and staked");

        // A slash for another reason leaves the key; a double-sign slash bans it and moves the epoch once.
        vm.prank(SLASHER);
        staking.slash(_worker(0), keccak256("late"), Staking.SlashReason.Unavailability);
        vm.assertFalse(staking.workerKey(w1).banned, "not banned for unavailability");
        _stake(0, MIN);
        vm.expectEmit(address(staking));
        emit WorkerKeyRegistry.KeyBanned(w1, keccak256("two results"), 2);
        vm.prank(SLASHER);
        staking.slash(_worker(0), keccak256("two results"), Staking.SlashReason.DoubleSign);
        vm.assertTrue(staking.workerKey(w1).banned, "banned");
        vm.assertEq(staking.registryEpoch(), 2, "epoch moved by the ban");
        _stake(0, 10 * MIN);
        vm.assertFalse(staking.isEligible(w1), "banned stays ineligible whatever its stake");
        vm.prank(SLASHER);
        staking.slash(_worker(0), keccak256("again"), Staking.SlashReason.DoubleSign);
        vm.assertEq(staking.registryEpoch(), 2, "a second ban does not move the epoch");
    }

    function test_DoubleSignSlashOfAWorkerWithoutKey_BansNothing() public {
        _stake(0, MIN);
        vm.prank(SLASHER);
        staking.slash(_worker(0), keccak256("two results"), Staking.SlashReason.DoubleSign);
        vm.assertEq(staking.registryEpoch(), 0, "epoch");
    }
}
