// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.28;

import {TestBase} from "./utils/Vm.sol";
import {MarketToken} from "../src/MarketToken.sol";
import {Staking} from "../src/Staking.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

contract StakingTest is TestBase {
    MarketToken private token;
    Staking private staking;
    address private constant ADMIN = address(0xAD);
    address private constant SLASHER = address(0x51);
    address private constant TREASURY = address(0x7E);
    address private constant WORKER = address(0xE1);
    address private constant STRANGER = address(0xBAD);
    uint64 private constant DELAY = 7 days;
    uint256 private constant MIN = 1000;
    bytes32 private constant EVIDENCE = keccak256("receipt 42 signed twice");

    function setUp() public {
        vm.warp(1_000_000);
        token = new MarketToken("Market Token", "MKT", 6, address(this));
        staking = new Staking(token, DELAY, MIN, TREASURY, ADMIN);
        bytes32 role = staking.SLASHER_ROLE();
        vm.prank(ADMIN);
        staking.grantRole(role, SLASHER);
        token.mint(WORKER, 1e12);
        vm.prank(WORKER);
        token.approve(address(staking), type(uint256).max);
    }

    // ------------------------------------------------------------------ constructor and admin

    function test_Constructor_SetsTerms() public view {
        vm.assertEq(address(staking.token()), address(token), "token");
        vm.assertEq(staking.unstakeDelay(), DELAY, "delay");
        vm.assertEq(staking.minimumStake(), MIN, "minimum");
        vm.assertEq(staking.treasury(), TREASURY, "treasury");
        vm.assertTrue(staking.hasRole(staking.DEFAULT_ADMIN_ROLE(), ADMIN), "admin");
        vm.assertEq(staking.SLASHER_ROLE(), keccak256("SLASHER_ROLE"), "role id");
    }

    function test_RevertWhen_ConstructedWithZeroAddresses() public {
        vm.expectRevert(Staking.ZeroAddress.selector);
        new Staking(IERC20(address(0)), DELAY, MIN, TREASURY, ADMIN);
        vm.expectRevert(Staking.ZeroAddress.selector);
        new Staking(token, DELAY, MIN, address(0), ADMIN);
        vm.expectRevert(Staking.ZeroAddress.selector);
        new Staking(token, DELAY, MIN, TREASURY, address(0));
    }

    function test_Admin_SetsMinimumStakeAndTreasury() public {
        vm.expectEmit(address(staking));
        emit Staking.MinimumStakeChanged(5);
        vm.prank(ADMIN);
        staking.setMinimumStake(5);
        vm.assertEq(staking.minimumStake(), 5, "minimum");
        vm.expectEmit(address(staking));
        emit Staking.TreasuryChanged(address(0x99));
        vm.prank(ADMIN);
        staking.setTreasury(address(0x99));
        vm.assertEq(staking.treasury(), address(0x99), "treasury");
    }

    function test_RevertWhen_AdminCallsByOthers() public {
        bytes32 adminRole = staking.DEFAULT_ADMIN_ROLE();
        bytes memory denied =
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, STRANGER, adminRole);
        vm.prank(STRANGER);
        vm.expectRevert(denied);
        staking.setMinimumStake(1);
        vm.prank(STRANGER);
        vm.expectRevert(denied);
        staking.setTreasury(STRANGER);
    }

    function test_RevertWhen_TreasurySetToZero() public {
        vm.prank(ADMIN);
        vm.expectRevert(Staking.ZeroAddress.selector);
        staking.setTreasury(address(0));
    }

    // ------------------------------------------------------------------ stake and bid

    function test_Stake_BondsAndAllowsBidding() public {
        vm.assertFalse(staking.canBid(WORKER), "no stake, no bid");
        vm.expectEmit(address(staking));
        emit Staking.Staked(WORKER, 600, 600);
        vm.prank(WORKER);
        staking.stake(600);
        vm.assertFalse(staking.canBid(WORKER), "below the minimum");
        vm.prank(WORKER);
        staking.stake(400);
        vm.assertEq(staking.stakeOf(WORKER), 1000, "active");
        vm.assertTrue(staking.canBid(WORKER), "at the minimum");
        vm.assertEq(token.balanceOf(address(staking)), 1000, "tokens held");
    }

    function test_RevertWhen_StakeZero() public {
        vm.prank(WORKER);
        vm.expectRevert(Staking.ZeroAmount.selector);
        staking.stake(0);
    }

    function test_RevertWhen_StakePastUint128() public {
        uint256 big = uint256(type(uint128).max);
        token.mint(WORKER, big);
        vm.prank(WORKER);
        staking.stake(big - 1);
        vm.prank(WORKER);
        vm.expectRevert(abi.encodeWithSelector(Staking.StakeTooLarge.selector, 2));
        staking.stake(2);
    }

    // ------------------------------------------------------------------ unstake

    function test_Unstake_WaitsForTheDelayThenPays() public {
        _stake(1500);
        uint64 releaseAt = uint64(block.timestamp) + DELAY;
        vm.expectEmit(address(staking));
        emit Staking.UnstakeRequested(WORKER, 600, 600, releaseAt);
        vm.prank(WORKER);
        staking.requestUnstake(600);
        (uint256 active, uint256 pending, uint64 releaseTime) = staking.stakeDetails(WORKER);
        vm.assertEq(active, 900, "active");
        vm.assertEq(pending, 600, "pending");
        vm.assertEq(releaseTime, releaseAt, "release time");
        vm.assertFalse(staking.canBid(WORKER), "pending stake does not count for bidding");

        vm.warp(releaseAt - 1);
        vm.prank(WORKER);
        vm.expectRevert(abi.encodeWithSelector(Staking.UnstakeNotReady.selector, releaseAt));
        staking.withdraw();

        vm.warp(releaseAt);
        uint256 before = token.balanceOf(WORKER);
        vm.expectEmit(address(staking));
        emit Staking.Withdrawn(WORKER, 600);
        vm.prank(WORKER);
        staking.withdraw();
        vm.assertEq(token.balanceOf(WORKER), before + 600, "paid");
        (, pending, releaseTime) = staking.stakeDetails(WORKER);
        vm.assertEq(pending + releaseTime, 0, "nothing pending");
    }

    function test_Unstake_SecondRequestJoinsAndRestartsTheDelay() public {
        _stake(1000);
        vm.prank(WORKER);
        staking.requestUnstake(100);
        vm.warp(block.timestamp + 3 days);
        vm.prank(WORKER);
        staking.requestUnstake(200);
        (, uint256 pending, uint64 releaseTime) = staking.stakeDetails(WORKER);
        vm.assertEq(pending, 300, "joined");
        vm.assertEq(releaseTime, uint64(block.timestamp) + DELAY, "restarted");
    }

    function test_RevertWhen_UnstakeZero() public {
        _stake(10);
        vm.prank(WORKER);
        vm.expectRevert(Staking.ZeroAmount.selector);
        staking.requestUnstake(0);
    }

    function test_RevertWhen_UnstakeMoreThanActive() public {
        _stake(10);
        vm.prank(WORKER);
        vm.expectRevert(abi.encodeWithSelector(Staking.InsufficientStake.selector, 10, 11));
        staking.requestUnstake(11);
    }

    function test_RevertWhen_WithdrawNothingPending() public {
        _stake(10);
        vm.prank(WORKER);
        vm.expectRevert(Staking.NothingPending.selector);
        staking.withdraw();
    }

    // ------------------------------------------------------------------ slash

    function test_SlashPercents() public view {
        vm.assertEq(staking.slashPercent(Staking.SlashReason.Timeout), 20, "timeout");
        vm.assertEq(staking.slashPercent(Staking.SlashReason.WrongResult), 50, "wrong result");
        vm.assertEq(staking.slashPercent(Staking.SlashReason.DoubleSign), 100, "double sign");
        vm.assertEq(staking.slashPercent(Staking.SlashReason.Unavailability), 10, "unavailability");
    }

    function test_Slash_EachReasonTakesItsShareToTheTreasury() public {
        Staking.SlashReason[4] memory reasons = [
            Staking.SlashReason.Timeout,
            Staking.SlashReason.WrongResult,
            Staking.SlashReason.DoubleSign,
            Staking.SlashReason.Unavailability
        ];
        for (uint256 r; r < reasons.length; ++r) {
            address w = address(uint160(0x7000 + r));
            token.mint(w, 1001);
            vm.startPrank(w);
            token.approve(address(staking), 1001);
            staking.stake(1001);
            vm.stopPrank();
            uint256 treasuryBefore = token.balanceOf(TREASURY);
            uint256 expected = 1001 * staking.slashPercent(reasons[r]) / 100; // rounded down
            bytes32 evidence = keccak256(abi.encode(r));
            vm.expectEmit(address(staking));
            emit Staking.Slashed(w, evidence, reasons[r], expected, 0);
            vm.prank(SLASHER);
            uint256 taken = staking.slash(w, evidence, reasons[r]);
            vm.assertEq(taken, expected, "taken");
            vm.assertEq(staking.stakeOf(w), 1001 - expected, "left");
            vm.assertEq(token.balanceOf(TREASURY), treasuryBefore + expected, "to treasury");
            vm.assertEq(staking.evidenceWorker(evidence), w, "evidence recorded");
        }
    }

    function test_Slash_TakesActiveFirstThenPending() public {
        _stake(1000);
        vm.prank(WORKER);
        staking.requestUnstake(800); // active 200, pending 800
        vm.prank(SLASHER);
        uint256 taken = staking.slash(WORKER, EVIDENCE, Staking.SlashReason.WrongResult); // 50 % of 1000
        vm.assertEq(taken, 500, "taken");
        (uint256 active, uint256 pending, uint64 releaseTime) = staking.stakeDetails(WORKER);
        vm.assertEq(active, 0, "active first");
        vm.assertEq(pending, 500, "then pending");
        vm.assertTrue(releaseTime != 0, "the rest still waits");
    }

    function test_Slash_DoubleSignTakesEverythingIncludingPending() public {
        _stake(1000);
        vm.prank(WORKER);
        staking.requestUnstake(400);
        vm.expectEmit(address(staking));
        emit Staking.Slashed(WORKER, EVIDENCE, Staking.SlashReason.DoubleSign, 600, 400);
        vm.prank(SLASHER);
        staking.slash(WORKER, EVIDENCE, Staking.SlashReason.DoubleSign);
        (uint256 active, uint256 pending, uint64 releaseTime) = staking.stakeDetails(WORKER);
        vm.assertEq(active + pending + releaseTime, 0, "nothing left");
        vm.assertEq(token.balanceOf(TREASURY), 1000, "all to treasury");
        vm.warp(block.timestamp + DELAY);
        vm.prank(WORKER);
        vm.expectRevert(Staking.NothingPending.selector);
        staking.withdraw();
    }

    function test_Slash_WorkerWithoutStakeRecordsEvidenceOnly() public {
        vm.prank(SLASHER);
        uint256 taken = staking.slash(STRANGER, EVIDENCE, Staking.SlashReason.Timeout);
        vm.assertEq(taken, 0, "nothing taken");
        vm.assertEq(staking.evidenceWorker(EVIDENCE), STRANGER, "evidence recorded");
    }

    function test_RevertWhen_SlashReusesEvidence() public {
        _stake(1000);
        vm.prank(SLASHER);
        staking.slash(WORKER, EVIDENCE, Staking.SlashReason.Timeout);
        vm.prank(SLASHER);
        vm.expectRevert(abi.encodeWithSelector(Staking.EvidenceAlreadyUsed.selector, EVIDENCE, WORKER));
        staking.slash(WORKER, EVIDENCE, Staking.SlashReason.Timeout);
        vm.prank(SLASHER);
        vm.expectRevert(abi.encodeWithSelector(Staking.EvidenceAlreadyUsed.selector, EVIDENCE, WORKER));
        staking.slash(STRANGER, EVIDENCE, Staking.SlashReason.DoubleSign);
    }

    function test_RevertWhen_SlashByNonSlasher() public {
        bytes32 role = staking.SLASHER_ROLE();
        vm.prank(STRANGER);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, STRANGER, role));
        staking.slash(WORKER, EVIDENCE, Staking.SlashReason.Timeout);
    }

    function test_RevertWhen_SlashZeroWorkerOrEvidence() public {
        vm.prank(SLASHER);
        vm.expectRevert(Staking.ZeroAddress.selector);
        staking.slash(address(0), EVIDENCE, Staking.SlashReason.Timeout);
        vm.prank(SLASHER);
        vm.expectRevert(Staking.ZeroEvidence.selector);
        staking.slash(WORKER, bytes32(0), Staking.SlashReason.Timeout);
    }

    function test_RevertWhen_SlashReasonOutOfRange() public {
        vm.prank(SLASHER);
        (bool ok,) = address(staking).call(
            abi.encodeWithSelector(Staking.slash.selector, WORKER, EVIDENCE, uint256(4))
        );
        vm.assertFalse(ok, "reason 4 does not decode");
        vm.assertEq(staking.evidenceWorker(EVIDENCE), address(0), "nothing recorded");
    }

    function testFuzz_Slash_NeverTakesMoreThanTheStake(uint128 active, uint128 unstake, uint8 reason) public {
        active = uint128(bound(active, 1, 1e30));
        unstake = uint128(bound(unstake, 0, active));
        Staking.SlashReason r = Staking.SlashReason(reason % 4);
        token.mint(WORKER, active);
        _stake(active);
        if (unstake > 0) {
            vm.prank(WORKER);
            staking.requestUnstake(unstake);
        }
        vm.prank(SLASHER);
        uint256 taken = staking.slash(WORKER, EVIDENCE, r);
        (uint256 a, uint256 p,) = staking.stakeDetails(WORKER);
        vm.assertEq(taken, uint256(active) * staking.slashPercent(r) / 100, "percent of active + pending");
        vm.assertEq(a + p + taken, active, "conserved");
        vm.assertEq(token.balanceOf(address(staking)), a + p, "tokens held = stake left");
        if (taken <= active - unstake) vm.assertEq(p, unstake, "pending untouched while active covers it");
    }

    function _stake(uint256 amount) private {
        vm.prank(WORKER);
        staking.stake(amount);
    }
}
