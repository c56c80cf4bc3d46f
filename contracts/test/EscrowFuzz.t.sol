// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.28;

import {TestBase} from "./utils/Vm.sol";
import {JobPayout, Payouts} from "./utils/Payouts.sol";
import {MarketToken} from "../src/MarketToken.sol";
import {Escrow} from "../src/Escrow.sol";

/// Escrow accounting under random sequences of deposits, releases, refunds, batches and withdrawals: after every
/// step the contract's token balance equals the sum of open escrows plus unwithdrawn balances, as kept by the test
/// itself, and every account's balance and every job's state match the test's model. forge replays failures by seed
/// (the seed is fixed in foundry.toml, so runs repeat; FOUNDRY_FUZZ_SEED overrides it).
contract EscrowFuzzTest is TestBase {
    uint256 private constant ACCOUNTS = 6; // 3 clients, 3 workers
    uint256 private constant STEPS = 40;

    MarketToken private token;
    Escrow private escrow;
    address private constant SETTLER = address(0x5E7);
    address[ACCOUNTS] private people;

    // the model
    uint256 private openSum;
    uint256 private claimableSum;
    mapping(address => uint256) private owed;
    uint256[] private amounts; // by job index - 1
    address[] private clientOf;
    uint8[] private stateOf; // 1 open, 2 released, 3 refunded

    function setUp() public {
        vm.warp(1_000_000);
        token = new MarketToken("Market Token", "MKT", 6, address(this));
        escrow = new Escrow(token, address(this));
        escrow.grantRole(escrow.SETTLER_ROLE(), SETTLER);
        for (uint256 i; i < ACCOUNTS; ++i) {
            people[i] = address(uint160(0x1000 + i));
            token.mint(people[i], 1e30);
            vm.prank(people[i]);
            token.approve(address(escrow), type(uint256).max);
        }
    }

    function testFuzz_TokenBalanceEqualsOpenEscrowsPlusBalances(uint256 seed) public {
        for (uint256 step; step < STEPS; ++step) {
            seed = uint256(keccak256(abi.encode(seed, step)));
            uint256 op = seed % 6;
            if (op <= 1 || amounts.length == 0) _deposit(seed);
            else if (op == 2) _release(seed);
            else if (op == 3) _refund(seed);
            else if (op == 4) _batch(seed);
            else _withdraw(seed);
            _check();
        }
    }

    function _deposit(uint256 seed) private {
        address client = people[seed % 3];
        uint256 amount = bound(seed >> 8, 1, 1e24);
        uint64 index = uint64(amounts.length + 1);
        vm.prank(client);
        escrow.deposit(keccak256(abi.encode("job", index)), amount, uint64(block.timestamp + 1 + (seed >> 100) % 1 days));
        amounts.push(amount);
        clientOf.push(client);
        stateOf.push(1);
        openSum += amount;
    }

    function _release(uint256 seed) private {
        uint256 j = _openJob(seed);
        if (j == type(uint256).max) return;
        (address[] memory payees, uint256[] memory lines) = _lines(seed, amounts[j]);
        if (payees.length == 0) return; // single releases need a payee
        vm.prank(SETTLER);
        escrow.release(keccak256(abi.encode("job", j + 1)), payees, lines);
        _settleModel(j, payees, lines);
    }

    function _refund(uint256 seed) private {
        uint256 j = _openJob(seed);
        if (j == type(uint256).max) return;
        (,,, uint64 deadline,) = escrow.jobOf(keccak256(abi.encode("job", j + 1)));
        if ((seed >> 200) % 2 == 0) {
            vm.warp(deadline);
            vm.prank(people[(seed >> 40) % ACCOUNTS]);
        } else {
            vm.prank(SETTLER);
        }
        escrow.refund(keccak256(abi.encode("job", j + 1)));
        stateOf[j] = 3;
        openSum -= amounts[j];
    }

    function _batch(uint256 seed) private {
        uint256 count = 1 + (seed >> 16) % 8;
        JobPayout[] memory jobs = new JobPayout[](count);
        uint256 n;
        bool[] memory taken = new bool[](amounts.length);
        for (uint256 k; k < count; ++k) {
            uint256 j = _openJob(uint256(keccak256(abi.encode(seed, k))));
            if (j == type(uint256).max || taken[j]) continue;
            taken[j] = true;
            (address[] memory payees, uint256[] memory lines) = _lines(uint256(keccak256(abi.encode(seed, k, 1))), amounts[j]);
            jobs[n++] = JobPayout(uint64(j + 1), clientOf[j], payees, lines);
        }
        if (n == 0) return;
        assembly {
            mstore(jobs, n)
        }
        (address[] memory accounts, uint256[] memory entries) = Payouts.encode(jobs);
        uint256[] memory escrows = new uint256[](n);
        for (uint256 k; k < n; ++k) escrows[k] = amounts[jobs[k].jobIndex - 1];
        vm.prank(SETTLER);
        (, bytes32 root) = escrow.releaseBatch(accounts, entries);
        vm.assertEq(root, Payouts.root(Payouts.leaves(jobs, escrows)), "root matches the model's tree");
        for (uint256 k; k < n; ++k) _settleModel(jobs[k].jobIndex - 1, jobs[k].payees, jobs[k].amounts);
    }

    function _withdraw(uint256 seed) private {
        address who = people[seed % ACCOUNTS];
        uint256 have = owed[who];
        if (have == 0) return;
        uint256 amount = bound(seed >> 8, 1, have);
        vm.prank(who);
        escrow.withdraw(amount);
        owed[who] -= amount;
        claimableSum -= amount;
    }

    function _settleModel(uint256 j, address[] memory payees, uint256[] memory lines) private {
        uint256 paid;
        for (uint256 k; k < payees.length; ++k) {
            owed[payees[k]] += lines[k];
            paid += lines[k];
        }
        owed[clientOf[j]] += amounts[j] - paid;
        stateOf[j] = payees.length == 0 ? 3 : 2;
        openSum -= amounts[j];
        claimableSum += amounts[j];
    }

    /// Up to three positive lines to workers that add up to at most `escrow`.
    function _lines(uint256 seed, uint256 escrow_) private view returns (address[] memory p, uint256[] memory a) {
        uint256 count = seed % 4;
        p = new address[](count);
        a = new uint256[](count);
        uint256 left = escrow_;
        uint256 n;
        for (uint256 k; k < count && left > 0; ++k) {
            uint256 amount = bound(uint256(keccak256(abi.encode(seed, k))), 1, left);
            p[n] = people[3 + (seed >> (8 * (k + 1))) % 3];
            a[n++] = amount;
            left -= amount;
        }
        assembly {
            mstore(p, n)
            mstore(a, n)
        }
    }

    function _openJob(uint256 seed) private view returns (uint256) {
        uint256 n = amounts.length;
        if (n == 0) return type(uint256).max;
        uint256 start = seed % n;
        for (uint256 k; k < n; ++k) {
            uint256 j = (start + k) % n;
            if (stateOf[j] == 1) return j;
        }
        return type(uint256).max;
    }

    function _check() private view {
        uint256 held = token.balanceOf(address(escrow));
        vm.assertEq(held, openSum + claimableSum, "tokens held = open escrows + unclaimed balances");
        vm.assertEq(escrow.totalEscrowed(), openSum, "totalEscrowed");
        vm.assertEq(escrow.totalClaimable(), claimableSum, "totalClaimable");
        for (uint256 i; i < ACCOUNTS; ++i) vm.assertEq(escrow.claimable(people[i]), owed[people[i]], "balance per account");
        for (uint256 j; j < stateOf.length; ++j) {
            vm.assertEq(uint256(escrow.jobStateAt(j + 1)), stateOf[j], "state per job");
        }
    }
}
