// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.28;

import {TestBase} from "./Vm.sol";
import {MarketToken} from "../../src/MarketToken.sol";
import {Escrow} from "../../src/Escrow.sol";

/// An Escrow on a fresh token at a fixed time, administered by ADMIN with SETTLER as its settler, and two clients
/// holding 1e12 tokens each, the Escrow approved to take all of them; jobs deposited now have an hour to `deadline`.
abstract contract EscrowFixture is TestBase {
    MarketToken internal token;
    Escrow internal escrow;
    address internal constant ADMIN = address(0xAD);
    address internal constant SETTLER = address(0x5E7);
    address internal constant CLIENT = address(0xC1);
    address internal constant CLIENT2 = address(0xC2);
    uint64 internal deadline;

    function setUp() public virtual {
        vm.warp(1_000_000);
        deadline = uint64(block.timestamp + 1 hours);
        token = new MarketToken("Market Token", "MKT", 6, address(this));
        escrow = new Escrow(token, ADMIN);
        bytes32 settlerRole = escrow.SETTLER_ROLE();
        vm.prank(ADMIN);
        escrow.grantRole(settlerRole, SETTLER);
        for (uint256 i; i < 2; ++i) {
            address c = i == 0 ? CLIENT : CLIENT2;
            token.mint(c, 1e12);
            vm.prank(c);
            token.approve(address(escrow), type(uint256).max);
        }
    }
}
