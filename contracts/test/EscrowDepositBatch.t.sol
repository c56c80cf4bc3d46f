// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.28;

import {console} from "./utils/Vm.sol";
import {EscrowFixture} from "./utils/EscrowFixture.sol";
import {Escrow} from "../src/Escrow.sol";

/// `depositBatch`: several jobs of one client escrowed in one transaction, each as `deposit` would, all or nothing.
contract EscrowDepositBatchTest is EscrowFixture {
    function test_DepositBatch_EscrowsEveryJobWithConsecutiveIndexes() public {
        vm.prank(CLIENT2);
        escrow.deposit(keccak256("before"), 5, deadline);
        (bytes32[] memory ids, uint256[] memory amounts) = _jobs("a", 3, 100);
        amounts[1] = 250;
        for (uint256 i; i < 3; ++i) {
            vm.expectEmit(address(escrow));
            emit Escrow.Deposited(ids[i], uint64(2 + i), CLIENT, amounts[i], deadline);
        }
        vm.prank(CLIENT);
        uint64 first = escrow.depositBatch(ids, amounts, deadline);

        vm.assertEq(first, 2, "first index follows the earlier deposit");
        for (uint256 i; i < 3; ++i) {
            (uint64 jobIndex, address client, uint256 amount, uint64 dl, Escrow.JobState state) = escrow.jobOf(ids[i]);
            vm.assertEq(jobIndex, 2 + i, "index");
            vm.assertEq(client, CLIENT, "client");
            vm.assertEq(amount, amounts[i], "amount");
            vm.assertEq(dl, deadline, "deadline");
            vm.assertTrue(state == Escrow.JobState.Open, "open");
        }
        vm.assertEq(escrow.jobCount(), 4, "job count");
        vm.assertEq(escrow.totalEscrowed(), 455, "total escrowed");
        vm.assertEq(token.balanceOf(address(escrow)), 455, "tokens held");
        vm.assertEq(token.balanceOf(CLIENT), 1e12 - 450, "client paid the sum once");
    }

    function test_DepositBatch_JobsRefundAsSingleDeposits() public {
        (bytes32[] memory ids, uint256[] memory amounts) = _jobs("r", 2, 70);
        vm.prank(CLIENT);
        escrow.depositBatch(ids, amounts, deadline);
        vm.warp(deadline);
        escrow.refund(ids[1]);
        (,,,, Escrow.JobState state) = escrow.jobOf(ids[1]);
        vm.assertTrue(state == Escrow.JobState.Refunded, "refunded");
        (,,,, state) = escrow.jobOf(ids[0]);
        vm.assertTrue(state == Escrow.JobState.Open, "the other stays open");
        vm.assertEq(token.balanceOf(CLIENT), 1e12 - 70, "one escrow back");
    }

    function test_RevertWhen_DepositBatchReusesAJobId() public {
        (bytes32[] memory ids, uint256[] memory amounts) = _jobs("u", 3, 10);
        vm.prank(CLIENT2);
        escrow.deposit(ids[2], 10, deadline);
        vm.prank(CLIENT);
        vm.expectRevert(abi.encodeWithSelector(Escrow.JobExists.selector, ids[2]));
        escrow.depositBatch(ids, amounts, deadline);
        vm.assertEq(escrow.jobCount(), 1, "nothing of the batch recorded");
        (,,,, Escrow.JobState state) = escrow.jobOf(ids[0]);
        vm.assertTrue(state == Escrow.JobState.None, "first job not escrowed");
    }

    function test_RevertWhen_DepositBatchNamesAJobTwice() public {
        (bytes32[] memory ids, uint256[] memory amounts) = _jobs("d", 3, 10);
        ids[2] = ids[0];
        vm.prank(CLIENT);
        vm.expectRevert(abi.encodeWithSelector(Escrow.JobExists.selector, ids[0]));
        escrow.depositBatch(ids, amounts, deadline);
        vm.assertEq(escrow.jobCount(), 0, "nothing recorded");
    }

    function test_RevertWhen_DepositBatchIsEmpty() public {
        vm.prank(CLIENT);
        vm.expectRevert(Escrow.EmptyBatch.selector);
        escrow.depositBatch(new bytes32[](0), new uint256[](0), deadline);
    }

    function test_RevertWhen_DepositBatchLengthsDiffer() public {
        (bytes32[] memory ids,) = _jobs("l", 2, 1);
        vm.prank(CLIENT);
        vm.expectRevert(abi.encodeWithSelector(Escrow.LengthMismatch.selector, 2, 1));
        escrow.depositBatch(ids, new uint256[](1), deadline);
    }

    function test_RevertWhen_DepositBatchHasABadJob() public {
        (bytes32[] memory ids, uint256[] memory amounts) = _jobs("z", 2, 10);
        amounts[1] = 0;
        vm.prank(CLIENT);
        vm.expectRevert(Escrow.ZeroAmount.selector);
        escrow.depositBatch(ids, amounts, deadline);

        amounts[1] = uint256(type(uint96).max) + 1;
        vm.prank(CLIENT);
        vm.expectRevert(abi.encodeWithSelector(Escrow.AmountTooLarge.selector, amounts[1], uint256(type(uint96).max)));
        escrow.depositBatch(ids, amounts, deadline);

        amounts[1] = 10;
        ids[0] = bytes32(0);
        vm.prank(CLIENT);
        vm.expectRevert(Escrow.ZeroJobId.selector);
        escrow.depositBatch(ids, amounts, deadline);
    }

    function test_RevertWhen_DepositBatchDeadlineNotInFuture() public {
        (bytes32[] memory ids, uint256[] memory amounts) = _jobs("t", 2, 10);
        vm.prank(CLIENT);
        vm.expectRevert(
            abi.encodeWithSelector(Escrow.DeadlineNotInFuture.selector, uint64(block.timestamp), block.timestamp)
        );
        escrow.depositBatch(ids, amounts, uint64(block.timestamp));
    }

    function test_RevertWhen_DepositBatchWithoutFunds() public {
        (bytes32[] memory ids, uint256[] memory amounts) = _jobs("f", 2, 1e12);
        vm.prank(CLIENT);
        vm.expectRevert(); // the token's ERC20InsufficientBalance: 2e12 asked, 1e12 held
        escrow.depositBatch(ids, amounts, deadline);
        vm.assertEq(escrow.jobCount(), 0, "nothing recorded");
    }

    /// Gas of 8 deposits one per transaction against one batch of 8 (`--isolate`: each call is a transaction).
    function test_GasPerJob_DepositsSingleVersusBatch() public {
        (bytes32[] memory singles, uint256[] memory amounts) = _jobs("s", 8, 1000);
        uint256 single;
        for (uint256 i; i < 8; ++i) {
            vm.prank(CLIENT);
            escrow.deposit(singles[i], amounts[i], deadline);
            single += vm.lastCallGas().gasTotalUsed;
        }
        (bytes32[] memory batched,) = _jobs("b", 8, 1000);
        vm.prank(CLIENT);
        escrow.depositBatch(batched, amounts, deadline);
        uint256 batch = vm.lastCallGas().gasTotalUsed;
        console.log(
            string.concat(
                "deposit, one job per transaction: ",
                vm.toString(single / 8),
                " gas per job; depositBatch of 8: ",
                vm.toString(batch / 8),
                " gas per job"
            )
        );
        vm.assertLt(batch, single, "a batch of 8 costs less than 8 deposits");
    }

    function _jobs(string memory tag, uint256 n, uint256 amount)
        private
        pure
        returns (bytes32[] memory ids, uint256[] memory amounts)
    {
        ids = new bytes32[](n);
        amounts = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            ids[i] = keccak256(abi.encode(tag, i));
            amounts[i] = amount;
        }
    }
}
