// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.28;

import {TestBase} from "./Vm.sol";
import {Escrow} from "../../src/Escrow.sol";
import {MarketToken} from "../../src/MarketToken.sol";
import {ReceiptRelease} from "../../src/ReceiptRelease.sol";
import {Staking} from "../../src/Staking.sol";
import {BlsSigning} from "./BlsSigning.sol";

/// The contracts of a release on proof as `chain deploy` wires them (ReceiptRelease holding the Escrow's settler
/// role), and four workers w1-w4 with registered keys, w1-w3 staked, w4 registered but unstaked.
abstract contract ReleaseFixture is TestBase, BlsSigning {
    MarketToken internal token;
    Escrow internal escrow;
    Staking internal staking;
    ReceiptRelease internal release;
    address internal constant ADMIN = address(0xAD);
    address internal constant CLIENT = address(0xC1);
    address internal constant ANYONE = address(0xA11);
    uint256 internal constant ESCROWED = 1_000_000;
    uint128 internal constant PRICE = 50; // per million fuel: 50 of the token's smallest unit per fuel unit
    uint64 internal constant FUEL = 4_000; // 200,000 at the price
    string[4] internal ids = ["w1", "w2", "w3", "w4"];

    function _deployAndRegisterWorkers() internal {
        vm.warp(1_000_000);
        token = new MarketToken("Market Token", "MKT", 6, address(this));
        escrow = new Escrow(token, ADMIN);
        staking = new Staking(token, 7 days, 1000, address(0x7E), ADMIN);
        release = new ReceiptRelease(escrow, staking);
        bytes32 settler = escrow.SETTLER_ROLE();
        vm.prank(ADMIN);
        escrow.grantRole(settler, address(release));
        for (uint256 i; i < ids.length; ++i) {
            address worker = _worker(i);
            token.mint(worker, 5000);
            vm.startPrank(worker);
            staking.registerKey(ids[i], _publicKey(_secret(i)), _proofOfPossession(_secret(i)));
            token.approve(address(staking), 5000);
            if (i != 3) staking.stake(5000); // w4 registered but unstaked
            vm.stopPrank();
        }
    }

    /// Escrows `job` for `CLIENT` and states its terms at `PRICE` with `threshold`, no committee fee.
    function _depositWithTerms(bytes32 job, uint8 threshold) internal {
        _depositWithTerms(job, threshold, 0);
    }

    /// Escrows `job` for `CLIENT` and states its terms at `PRICE` with `threshold` and `committeeFeePercent`.
    function _depositWithTerms(bytes32 job, uint8 threshold, uint8 committeeFeePercent) internal {
        token.mint(CLIENT, ESCROWED);
        vm.startPrank(CLIENT);
        token.approve(address(escrow), ESCROWED);
        escrow.deposit(job, ESCROWED, uint64(block.timestamp + 1 days));
        release.setTerms(job, PRICE, threshold, committeeFeePercent);
        vm.stopPrank();
    }

    function _worker(uint256 i) internal pure returns (address) {
        return address(uint160(0xE1 + i));
    }

    function _secret(uint256 i) internal pure returns (uint256) {
        return uint256(keccak256(abi.encode("receipt release test key", i))) >> 8;
    }
}
