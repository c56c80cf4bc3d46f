// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.28;

import {EscrowFixture} from "./utils/EscrowFixture.sol";
import {JobPayout, Payouts} from "./utils/Payouts.sol";
import {MarketToken} from "../src/MarketToken.sol";
import {Escrow} from "../src/Escrow.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

contract EscrowTest is EscrowFixture {
    address private constant EXEC = address(0xE1);
    address private constant MEMBER = address(0xE2);
    address private constant STRANGER = address(0xBAD);
    bytes32 private constant JOB = keccak256("job-1");

    // ------------------------------------------------------------------ constructor and roles

    function test_Constructor_SetsTokenAndAdmin() public view {
        vm.assertEq(address(escrow.token()), address(token), "token");
        vm.assertTrue(escrow.hasRole(escrow.DEFAULT_ADMIN_ROLE(), ADMIN), "admin");
        vm.assertTrue(escrow.hasRole(escrow.SETTLER_ROLE(), SETTLER), "settler");
        vm.assertEq(escrow.SETTLER_ROLE(), keccak256("SETTLER_ROLE"), "role id");
    }

    function test_RevertWhen_ConstructedWithZeroToken() public {
        vm.expectRevert(Escrow.ZeroAddress.selector);
        new Escrow(IERC20(address(0)), ADMIN);
    }

    function test_RevertWhen_ConstructedWithZeroAdmin() public {
        vm.expectRevert(Escrow.ZeroAddress.selector);
        new Escrow(token, address(0));
    }

    // ------------------------------------------------------------------ deposit

    function test_Deposit_EscrowsAndRecordsTheJob() public {
        vm.expectEmit(address(escrow));
        emit Escrow.Deposited(JOB, 1, CLIENT, 1000, deadline);
        vm.prank(CLIENT);
        uint64 index = escrow.deposit(JOB, 1000, deadline);

        vm.assertEq(index, 1, "first index");
        (uint64 jobIndex, address client, uint256 amount, uint64 dl, Escrow.JobState state) = escrow.jobOf(JOB);
        vm.assertEq(jobIndex, 1, "index");
        vm.assertEq(client, CLIENT, "client");
        vm.assertEq(amount, 1000, "amount");
        vm.assertEq(dl, deadline, "deadline");
        vm.assertTrue(state == Escrow.JobState.Open, "open");
        vm.assertEq(token.balanceOf(address(escrow)), 1000, "tokens held");
        vm.assertEq(escrow.totalEscrowed(), 1000, "total escrowed");
        vm.assertEq(escrow.jobCount(), 1, "job count");
        vm.assertTrue(escrow.jobStateAt(1) == Escrow.JobState.Open, "state by index");
    }

    function test_Deposit_AcceptsTheLargestEscrow() public {
        uint256 max = escrow.MAX_ESCROW();
        token.mint(CLIENT, max);
        vm.prank(CLIENT);
        escrow.deposit(JOB, max, deadline);
        (,, uint256 amount,,) = escrow.jobOf(JOB);
        vm.assertEq(amount, max, "2^96-1 fits the packed slot");
    }

    function test_RevertWhen_DepositZeroJobId() public {
        vm.prank(CLIENT);
        vm.expectRevert(Escrow.ZeroJobId.selector);
        escrow.deposit(bytes32(0), 1, deadline);
    }

    function test_RevertWhen_DepositZeroAmount() public {
        vm.prank(CLIENT);
        vm.expectRevert(Escrow.ZeroAmount.selector);
        escrow.deposit(JOB, 0, deadline);
    }

    function test_RevertWhen_DepositAboveMax() public {
        uint256 tooMuch = uint256(type(uint96).max) + 1;
        vm.prank(CLIENT);
        vm.expectRevert(abi.encodeWithSelector(Escrow.AmountTooLarge.selector, tooMuch, uint256(type(uint96).max)));
        escrow.deposit(JOB, tooMuch, deadline);
    }

    function test_RevertWhen_DepositDeadlineNotInFuture() public {
        vm.prank(CLIENT);
        vm.expectRevert(
            abi.encodeWithSelector(Escrow.DeadlineNotInFuture.selector, uint64(block.timestamp), block.timestamp)
        );
        escrow.deposit(JOB, 1, uint64(block.timestamp));
    }

    function test_RevertWhen_DepositReusesJobId() public {
        _deposit(CLIENT, JOB, 10);
        vm.prank(CLIENT2);
        vm.expectRevert(abi.encodeWithSelector(Escrow.JobExists.selector, JOB));
        escrow.deposit(JOB, 10, deadline);
    }

    function test_RevertWhen_DepositReusesSettledJobId() public {
        _deposit(CLIENT, JOB, 10);
        vm.prank(SETTLER);
        escrow.refund(JOB);
        vm.prank(CLIENT);
        vm.expectRevert(abi.encodeWithSelector(Escrow.JobExists.selector, JOB));
        escrow.deposit(JOB, 10, deadline);
    }

    function test_RevertWhen_DepositWithoutAllowance() public {
        vm.prank(CLIENT);
        token.approve(address(escrow), 0);
        vm.prank(CLIENT);
        vm.expectRevert(); // the token's ERC20InsufficientAllowance
        escrow.deposit(JOB, 10, deadline);
        vm.assertEq(escrow.jobCount(), 0, "nothing recorded");
    }

    // ------------------------------------------------------------------ refund

    function test_Refund_ByAnyoneAtTheDeadline() public {
        _deposit(CLIENT, JOB, 700);
        vm.warp(deadline);
        uint256 before = token.balanceOf(CLIENT);
        vm.expectEmit(address(escrow));
        emit Escrow.Refunded(JOB, 1, CLIENT, 700);
        vm.prank(STRANGER);
        escrow.refund(JOB);
        vm.assertEq(token.balanceOf(CLIENT), before + 700, "client paid back");
        vm.assertEq(escrow.totalEscrowed(), 0, "nothing escrowed");
        (,,,, Escrow.JobState state) = escrow.jobOf(JOB);
        vm.assertTrue(state == Escrow.JobState.Refunded, "refunded");
    }

    function test_Refund_BySettlerBeforeTheDeadline() public {
        _deposit(CLIENT, JOB, 700);
        vm.prank(SETTLER);
        escrow.refund(JOB);
        vm.assertTrue(escrow.jobStateAt(1) == Escrow.JobState.Refunded, "refunded");
        vm.assertEq(token.balanceOf(address(escrow)), 0, "all returned");
    }

    function test_RevertWhen_RefundBeforeDeadlineByOthers() public {
        _deposit(CLIENT, JOB, 700);
        vm.warp(deadline - 1);
        vm.prank(CLIENT);
        vm.expectRevert(abi.encodeWithSelector(Escrow.DeadlineNotReached.selector, JOB, deadline));
        escrow.refund(JOB);
    }

    function test_RevertWhen_RefundUnknownJob() public {
        vm.expectRevert(abi.encodeWithSelector(Escrow.UnknownJob.selector, JOB));
        escrow.refund(JOB);
    }

    function test_RevertWhen_RefundTwice() public {
        _deposit(CLIENT, JOB, 700);
        vm.prank(SETTLER);
        escrow.refund(JOB);
        vm.prank(SETTLER);
        vm.expectRevert(abi.encodeWithSelector(Escrow.JobNotOpen.selector, 1, Escrow.JobState.Refunded));
        escrow.refund(JOB);
    }

    function test_RevertWhen_RefundAfterRelease() public {
        _deposit(CLIENT, JOB, 700);
        _release(JOB, EXEC, 100);
        vm.warp(deadline);
        vm.expectRevert(abi.encodeWithSelector(Escrow.JobNotOpen.selector, 1, Escrow.JobState.Released));
        escrow.refund(JOB);
    }

    // ------------------------------------------------------------------ release

    function test_Release_CreditsPayeesAndTheRestToTheClient() public {
        _deposit(CLIENT, JOB, 1000);
        address[] memory payees = new address[](2);
        uint256[] memory amounts = new uint256[](2);
        (payees[0], payees[1]) = (EXEC, MEMBER);
        (amounts[0], amounts[1]) = (570, 30);
        vm.expectEmit(address(escrow));
        emit Escrow.Released(JOB, 1, payees, amounts, 400);
        vm.prank(SETTLER);
        escrow.release(JOB, payees, amounts);

        vm.assertEq(escrow.claimable(EXEC), 570, "executor");
        vm.assertEq(escrow.claimable(MEMBER), 30, "committee member");
        vm.assertEq(escrow.claimable(CLIENT), 400, "rest to client");
        vm.assertEq(escrow.totalEscrowed(), 0, "escrow emptied");
        vm.assertEq(escrow.totalClaimable(), 1000, "all claimable");
        vm.assertTrue(escrow.jobStateAt(1) == Escrow.JobState.Released, "released");
    }

    function test_Release_WholeEscrowLeavesNothingToTheClient() public {
        _deposit(CLIENT, JOB, 1000);
        _release(JOB, EXEC, 1000);
        vm.assertEq(escrow.claimable(CLIENT), 0, "no rest");
        vm.assertEq(escrow.claimable(EXEC), 1000, "all to executor");
    }

    function test_Release_AfterTheDeadlineWhileStillOpen() public {
        _deposit(CLIENT, JOB, 1000);
        vm.warp(deadline + 1 days);
        _release(JOB, EXEC, 1);
        vm.assertEq(escrow.claimable(EXEC), 1, "a late release still pays");
    }

    function test_Release_SamePayeeTwiceAddsUp() public {
        _deposit(CLIENT, JOB, 1000);
        address[] memory payees = new address[](2);
        uint256[] memory amounts = new uint256[](2);
        (payees[0], payees[1]) = (EXEC, EXEC);
        (amounts[0], amounts[1]) = (100, 200);
        vm.prank(SETTLER);
        escrow.release(JOB, payees, amounts);
        vm.assertEq(escrow.claimable(EXEC), 300, "sum");
    }

    function test_RevertWhen_ReleaseByNonSettler() public {
        _deposit(CLIENT, JOB, 1000);
        (address[] memory payees, uint256[] memory amounts) = _one(EXEC, 1);
        bytes32 role = escrow.SETTLER_ROLE();
        vm.prank(STRANGER);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, STRANGER, role));
        escrow.release(JOB, payees, amounts);
    }

    function test_RevertWhen_ReleaseLengthMismatch() public {
        _deposit(CLIENT, JOB, 1000);
        vm.prank(SETTLER);
        vm.expectRevert(abi.encodeWithSelector(Escrow.LengthMismatch.selector, 1, 2));
        escrow.release(JOB, new address[](1), new uint256[](2));
    }

    function test_RevertWhen_ReleaseNoPayees() public {
        _deposit(CLIENT, JOB, 1000);
        vm.prank(SETTLER);
        vm.expectRevert(Escrow.NoPayees.selector);
        escrow.release(JOB, new address[](0), new uint256[](0));
    }

    function test_RevertWhen_ReleaseUnknownJob() public {
        (address[] memory payees, uint256[] memory amounts) = _one(EXEC, 1);
        vm.prank(SETTLER);
        vm.expectRevert(abi.encodeWithSelector(Escrow.UnknownJob.selector, JOB));
        escrow.release(JOB, payees, amounts);
    }

    function test_RevertWhen_ReleaseZeroPayee() public {
        _deposit(CLIENT, JOB, 1000);
        (address[] memory payees, uint256[] memory amounts) = _one(address(0), 1);
        vm.prank(SETTLER);
        vm.expectRevert(Escrow.ZeroAddress.selector);
        escrow.release(JOB, payees, amounts);
    }

    function test_RevertWhen_ReleaseZeroAmount() public {
        _deposit(CLIENT, JOB, 1000);
        (address[] memory payees, uint256[] memory amounts) = _one(EXEC, 0);
        vm.prank(SETTLER);
        vm.expectRevert(abi.encodeWithSelector(Escrow.ZeroPayout.selector, 1));
        escrow.release(JOB, payees, amounts);
    }

    function test_RevertWhen_ReleaseExceedsEscrow() public {
        _deposit(CLIENT, JOB, 1000);
        address[] memory payees = new address[](2);
        uint256[] memory amounts = new uint256[](2);
        (payees[0], payees[1]) = (EXEC, MEMBER);
        (amounts[0], amounts[1]) = (900, 101);
        vm.prank(SETTLER);
        vm.expectRevert(abi.encodeWithSelector(Escrow.PayoutExceedsEscrow.selector, 1, 1001, 1000));
        escrow.release(JOB, payees, amounts);
    }

    function test_RevertWhen_ReleaseHugeAmountDoesNotOverflow() public {
        _deposit(CLIENT, JOB, 1000);
        address[] memory payees = new address[](2);
        uint256[] memory amounts = new uint256[](2);
        (payees[0], payees[1]) = (EXEC, MEMBER);
        (amounts[0], amounts[1]) = (1, type(uint256).max);
        vm.prank(SETTLER);
        vm.expectRevert(); // PayoutExceedsEscrow; the reported sum itself would overflow, so only the revert counts
        escrow.release(JOB, payees, amounts);
        vm.assertTrue(escrow.jobStateAt(1) == Escrow.JobState.Open, "still open");
    }

    function test_RevertWhen_ReleaseTwice() public {
        _deposit(CLIENT, JOB, 1000);
        _release(JOB, EXEC, 10);
        (address[] memory payees, uint256[] memory amounts) = _one(EXEC, 10);
        vm.prank(SETTLER);
        vm.expectRevert(abi.encodeWithSelector(Escrow.JobNotOpen.selector, 1, Escrow.JobState.Released));
        escrow.release(JOB, payees, amounts);
    }

    function test_RevertWhen_ReleaseAfterRefund() public {
        _deposit(CLIENT, JOB, 1000);
        vm.warp(deadline);
        escrow.refund(JOB);
        (address[] memory payees, uint256[] memory amounts) = _one(EXEC, 10);
        vm.prank(SETTLER);
        vm.expectRevert(abi.encodeWithSelector(Escrow.JobNotOpen.selector, 1, Escrow.JobState.Refunded));
        escrow.release(JOB, payees, amounts);
    }

    // ------------------------------------------------------------------ withdraw

    function test_Withdraw_PaysOutPartAndAll() public {
        _deposit(CLIENT, JOB, 1000);
        _release(JOB, EXEC, 600);
        vm.expectEmit(address(escrow));
        emit Escrow.Withdrawn(EXEC, 200);
        vm.prank(EXEC);
        escrow.withdraw(200);
        vm.assertEq(token.balanceOf(EXEC), 200, "paid");
        vm.assertEq(escrow.claimable(EXEC), 400, "left");
        vm.prank(EXEC);
        escrow.withdraw(400);
        vm.assertEq(escrow.claimable(EXEC), 0, "emptied");
        vm.assertEq(escrow.totalClaimable(), 400, "the client's rest remains");
        vm.prank(CLIENT);
        escrow.withdraw(400);
        vm.assertEq(token.balanceOf(address(escrow)), 0, "contract empty");
    }

    function test_RevertWhen_WithdrawZero() public {
        vm.prank(EXEC);
        vm.expectRevert(Escrow.ZeroAmount.selector);
        escrow.withdraw(0);
    }

    function test_RevertWhen_WithdrawMoreThanClaimable() public {
        _deposit(CLIENT, JOB, 1000);
        _release(JOB, EXEC, 600);
        vm.prank(EXEC);
        vm.expectRevert(abi.encodeWithSelector(Escrow.InsufficientClaimable.selector, 600, 601));
        escrow.withdraw(601);
    }

    // ------------------------------------------------------------------ views

    function test_Views_UnknownJobAndIndex() public view {
        (uint64 jobIndex, address client, uint256 amount, uint64 dl, Escrow.JobState state) = escrow.jobOf(JOB);
        vm.assertEq(jobIndex, 0, "index");
        vm.assertEq(client, address(0), "client");
        vm.assertEq(amount + dl, 0, "amount and deadline");
        vm.assertTrue(state == Escrow.JobState.None, "none");
        vm.assertTrue(escrow.jobStateAt(0) == Escrow.JobState.None, "index 0");
        vm.assertTrue(escrow.jobStateAt(1) == Escrow.JobState.None, "past the count");
    }

    // ------------------------------------------------------------------ batches

    function test_Batch_ReleasesRefundsAndRecordsTheRoot() public {
        _deposit(CLIENT, keccak256("a"), 1000); // 1: executor + member, rest to client
        _deposit(CLIENT2, keccak256("b"), 500); // 2: refunded (no lines)
        _deposit(CLIENT, keccak256("c"), 300); // 3: all to the executor
        JobPayout[] memory jobs = new JobPayout[](3);
        jobs[0] = _job(1, CLIENT, EXEC, 600, MEMBER, 30);
        jobs[1] = JobPayout(2, CLIENT2, new address[](0), new uint256[](0));
        (address[] memory p3, uint256[] memory a3) = _one(EXEC, 300);
        jobs[2] = JobPayout(3, CLIENT, p3, a3);
        (address[] memory accounts, uint256[] memory entries) = Payouts.encode(jobs);
        uint256[] memory escrows = new uint256[](3);
        (escrows[0], escrows[1], escrows[2]) = (1000, 500, 300);
        bytes32[] memory leaves = Payouts.leaves(jobs, escrows);
        bytes32 expectedRoot = Payouts.root(leaves);
        vm.assertEq(leaves.length, 5, "lines, plus a rest leaf for jobs 1 and 2");

        vm.expectEmit(address(escrow));
        emit Escrow.BatchReleased(1, expectedRoot, 3, 5, 1800);
        vm.prank(SETTLER);
        (uint256 batchId, bytes32 root) = escrow.releaseBatch(accounts, entries);

        vm.assertEq(batchId, 1, "batch id");
        vm.assertEq(root, expectedRoot, "root matches an independent computation");
        vm.assertEq(escrow.batchRoot(1), root, "root recorded");
        vm.assertEq(escrow.batchCount(), 1, "batch count");
        vm.assertEq(escrow.claimable(EXEC), 900, "executor across jobs");
        vm.assertEq(escrow.claimable(MEMBER), 30, "member");
        vm.assertEq(escrow.claimable(CLIENT), 370, "client rest");
        vm.assertEq(escrow.claimable(CLIENT2), 500, "refunded client");
        vm.assertTrue(escrow.jobStateAt(1) == Escrow.JobState.Released, "1 released");
        vm.assertTrue(escrow.jobStateAt(2) == Escrow.JobState.Refunded, "2 refunded");
        vm.assertTrue(escrow.jobStateAt(3) == Escrow.JobState.Released, "3 released");
        vm.assertEq(escrow.totalEscrowed(), 0, "escrow emptied");
        vm.assertEq(escrow.totalClaimable(), 1800, "claimable");

        // Every payout proves against the recorded root; a changed amount, account, job or batch does not.
        for (uint256 i; i < leaves.length; ++i) {
            bytes32[] memory proof = Payouts.proof(leaves, i);
            vm.assertEq(
                _processProof(proof, leaves[i]), root, "proof climbs to the root"
            );
        }
        bytes32[] memory p0 = Payouts.proof(leaves, 0);
        vm.assertTrue(escrow.verifyPayout(1, 1, EXEC, 600, p0), "executor's payout proven");
        vm.assertFalse(escrow.verifyPayout(1, 1, EXEC, 601, p0), "other amount");
        vm.assertFalse(escrow.verifyPayout(1, 1, MEMBER, 600, p0), "other account");
        vm.assertFalse(escrow.verifyPayout(1, 3, EXEC, 600, p0), "other job");
        vm.assertFalse(escrow.verifyPayout(2, 1, EXEC, 600, p0), "unknown batch");
        bytes32[] memory p3rest = Payouts.proof(leaves, 3);
        vm.assertTrue(escrow.verifyPayout(1, 2, CLIENT2, 500, p3rest), "refund proven");
        vm.assertEq(escrow.payoutLeaf(1, EXEC, 600), keccak256(abi.encode(uint256(1), EXEC, uint256(600))), "leaf");
    }

    function test_Batch_SingleLeafRootIsTheLeaf() public {
        _deposit(CLIENT, JOB, 100);
        JobPayout[] memory jobs = new JobPayout[](1);
        (address[] memory p, uint256[] memory a) = _one(EXEC, 100);
        jobs[0] = JobPayout(1, CLIENT, p, a);
        (address[] memory accounts, uint256[] memory entries) = Payouts.encode(jobs);
        vm.prank(SETTLER);
        (, bytes32 root) = escrow.releaseBatch(accounts, entries);
        vm.assertEq(root, keccak256(abi.encode(uint256(1), EXEC, uint256(100))), "root of one leaf");
        vm.assertTrue(escrow.verifyPayout(1, 1, EXEC, 100, new bytes32[](0)), "empty proof");
    }

    function test_Batch_JobsAcrossBitmapWordsAndOutOfOrder() public {
        for (uint256 i; i < 300; ++i) _deposit(CLIENT, bytes32(i + 1), 10);
        uint64[4] memory order = [uint64(290), 3, 129, 128];
        JobPayout[] memory jobs = new JobPayout[](4);
        for (uint256 j; j < 4; ++j) {
            (address[] memory p, uint256[] memory a) = _one(EXEC, 7);
            jobs[j] = JobPayout(order[j], CLIENT, p, a);
        }
        (address[] memory accounts, uint256[] memory entries) = Payouts.encode(jobs);
        vm.prank(SETTLER);
        escrow.releaseBatch(accounts, entries);
        for (uint256 i = 1; i <= 300; ++i) {
            bool settled = i == 290 || i == 3 || i == 129 || i == 128;
            vm.assertTrue(
                escrow.jobStateAt(i) == (settled ? Escrow.JobState.Released : Escrow.JobState.Open), "state by word"
            );
        }
        vm.assertEq(escrow.claimable(EXEC), 28, "four lines");
        vm.assertEq(escrow.claimable(CLIENT), 12, "four rests");
    }

    function test_RevertWhen_BatchByNonSettler() public {
        bytes32 role = escrow.SETTLER_ROLE();
        vm.prank(STRANGER);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, STRANGER, role));
        escrow.releaseBatch(new address[](0), new uint256[](0));
    }

    function test_RevertWhen_BatchEmpty() public {
        vm.prank(SETTLER);
        vm.expectRevert(Escrow.EmptyBatch.selector);
        escrow.releaseBatch(new address[](1), new uint256[](0));
    }

    function test_RevertWhen_BatchHasZeroAccount() public {
        _deposit(CLIENT, JOB, 100);
        address[] memory accounts = new address[](2);
        accounts[0] = CLIENT;
        uint256[] memory entries = new uint256[](1);
        entries[0] = 1;
        vm.prank(SETTLER);
        vm.expectRevert(Escrow.ZeroAddress.selector);
        escrow.releaseBatch(accounts, entries);
    }

    function test_RevertWhen_BatchHeaderHasStrayBits() public {
        _deposit(CLIENT, JOB, 100);
        _expectBatchRevert(_accounts(CLIENT), _entries(1 | (1 << 96)), abi.encodeWithSelector(Escrow.MalformedEntry.selector, 0));
    }

    function test_RevertWhen_BatchLinesRunPastTheEnd() public {
        _deposit(CLIENT, JOB, 100);
        _expectBatchRevert(_accounts(CLIENT), _entries(1 | (1 << 80)), abi.encodeWithSelector(Escrow.MalformedEntry.selector, 0));
    }

    function test_RevertWhen_BatchLineHasStrayBits() public {
        _deposit(CLIENT, JOB, 100);
        _expectBatchRevert(
            _accounts(CLIENT), _entries(1 | (1 << 80), 5 | (1 << 144)), abi.encodeWithSelector(Escrow.MalformedEntry.selector, 1)
        );
    }

    function test_RevertWhen_BatchClientSlotOutOfRange() public {
        _deposit(CLIENT, JOB, 100);
        _expectBatchRevert(
            _accounts(CLIENT), _entries(1 | (1 << 64)), abi.encodeWithSelector(Escrow.AccountSlotOutOfRange.selector, 1, 1)
        );
    }

    function test_RevertWhen_BatchLineSlotOutOfRange() public {
        _deposit(CLIENT, JOB, 100);
        _expectBatchRevert(
            _accounts(CLIENT), _entries(1 | (1 << 80), 5 | (3 << 128)), abi.encodeWithSelector(Escrow.AccountSlotOutOfRange.selector, 3, 1)
        );
    }

    function test_RevertWhen_BatchUnknownJobIndex() public {
        _deposit(CLIENT, JOB, 100);
        _expectBatchRevert(_accounts(CLIENT), _entries(2), abi.encodeWithSelector(Escrow.UnknownJobIndex.selector, 2));
        _expectBatchRevert(_accounts(CLIENT), _entries(0), abi.encodeWithSelector(Escrow.UnknownJobIndex.selector, 0));
    }

    function test_RevertWhen_BatchNamesWrongClient() public {
        _deposit(CLIENT, JOB, 100);
        _expectBatchRevert(
            _accounts(CLIENT2), _entries(1), abi.encodeWithSelector(Escrow.ClientMismatch.selector, 1, CLIENT, CLIENT2)
        );
    }

    function test_RevertWhen_BatchZeroLine() public {
        _deposit(CLIENT, JOB, 100);
        _expectBatchRevert(_accounts(CLIENT), _entries(1 | (1 << 80), 0), abi.encodeWithSelector(Escrow.ZeroPayout.selector, 1));
    }

    function test_RevertWhen_BatchLinesExceedEscrow() public {
        _deposit(CLIENT, JOB, 100);
        _expectBatchRevert(
            _accounts(CLIENT),
            _entries(1 | (2 << 80), 60, 41),
            abi.encodeWithSelector(Escrow.PayoutExceedsEscrow.selector, 1, 101, 100)
        );
    }

    function test_RevertWhen_BatchSettlesAJobTwice() public {
        _deposit(CLIENT, JOB, 100);
        _expectBatchRevert(
            _accounts(CLIENT), _entries(1, 1), abi.encodeWithSelector(Escrow.JobNotOpen.selector, 1, Escrow.JobState.Refunded)
        );
        vm.assertTrue(escrow.jobStateAt(1) == Escrow.JobState.Open, "the failed batch left the job open");
    }

    function test_RevertWhen_BatchReleasesAReleasedOrRefundedJob() public {
        _deposit(CLIENT, JOB, 100);
        _deposit(CLIENT, keccak256("other"), 100);
        _release(JOB, EXEC, 1);
        vm.prank(SETTLER);
        escrow.refund(keccak256("other"));
        _expectBatchRevert(
            _accounts(CLIENT), _entries(1), abi.encodeWithSelector(Escrow.JobNotOpen.selector, 1, Escrow.JobState.Released)
        );
        _expectBatchRevert(
            _accounts(CLIENT), _entries(2), abi.encodeWithSelector(Escrow.JobNotOpen.selector, 2, Escrow.JobState.Refunded)
        );
    }

    function test_RevertWhen_ReleaseOrRefundAfterBatch() public {
        _deposit(CLIENT, JOB, 100);
        vm.prank(SETTLER);
        escrow.releaseBatch(_accounts(CLIENT), _entries(1 | (1 << 80), 5));
        (address[] memory payees, uint256[] memory amounts) = _one(EXEC, 1);
        vm.prank(SETTLER);
        vm.expectRevert(abi.encodeWithSelector(Escrow.JobNotOpen.selector, 1, Escrow.JobState.Released));
        escrow.release(JOB, payees, amounts);
        vm.prank(SETTLER);
        vm.expectRevert(abi.encodeWithSelector(Escrow.JobNotOpen.selector, 1, Escrow.JobState.Released));
        escrow.refund(JOB);
    }

    function test_Batch_FailureUndoesEverything() public {
        _deposit(CLIENT, JOB, 100);
        _deposit(CLIENT, keccak256("other"), 100);
        // job 1 is fine, job 2's line is too large: nothing of job 1 may stick
        _expectBatchRevert(
            _accounts(CLIENT),
            _entries(1, 2 | (1 << 80), 101),
            abi.encodeWithSelector(Escrow.PayoutExceedsEscrow.selector, 2, 101, 100)
        );
        vm.assertTrue(escrow.jobStateAt(1) == Escrow.JobState.Open, "job 1 open");
        vm.assertEq(escrow.claimable(CLIENT), 0, "nothing credited");
        vm.assertEq(escrow.batchCount(), 0, "no batch");
    }

    // ------------------------------------------------------------------ helpers

    function _deposit(address client, bytes32 jobId, uint256 amount) private {
        vm.prank(client);
        escrow.deposit(jobId, amount, deadline);
    }

    function _release(bytes32 jobId, address payee, uint256 amount) private {
        (address[] memory payees, uint256[] memory amounts) = _one(payee, amount);
        vm.prank(SETTLER);
        escrow.release(jobId, payees, amounts);
    }

    function _one(address payee, uint256 amount) private pure returns (address[] memory p, uint256[] memory a) {
        p = new address[](1);
        a = new uint256[](1);
        p[0] = payee;
        a[0] = amount;
    }

    function _job(uint64 index, address client, address exec, uint256 execAmount, address member, uint256 fee)
        private
        pure
        returns (JobPayout memory)
    {
        address[] memory p = new address[](2);
        uint256[] memory a = new uint256[](2);
        (p[0], p[1], a[0], a[1]) = (exec, member, execAmount, fee);
        return JobPayout(index, client, p, a);
    }

    function _accounts(address a) private pure returns (address[] memory out) {
        out = new address[](1);
        out[0] = a;
    }

    function _entries(uint256 a) private pure returns (uint256[] memory out) {
        out = new uint256[](1);
        out[0] = a;
    }

    function _entries(uint256 a, uint256 b) private pure returns (uint256[] memory out) {
        out = new uint256[](2);
        (out[0], out[1]) = (a, b);
    }

    function _entries(uint256 a, uint256 b, uint256 c) private pure returns (uint256[] memory out) {
        out = new uint256[](3);
        (out[0], out[1], out[2]) = (a, b, c);
    }

    function _expectBatchRevert(address[] memory accounts, uint256[] memory entries, bytes memory reason) private {
        vm.prank(SETTLER);
        vm.expectRevert(reason);
        escrow.releaseBatch(accounts, entries);
    }

    function _processProof(bytes32[] memory proof, bytes32 leaf) private pure returns (bytes32 node) {
        node = leaf;
        for (uint256 i; i < proof.length; ++i) node = Payouts.hashPair(node, proof[i]);
    }
}
