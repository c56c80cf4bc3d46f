// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.28;

import {TestBase} from "./utils/Vm.sol";
import {MarketToken} from "../src/MarketToken.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

contract MarketTokenTest is TestBase {
    MarketToken private token;
    address private constant OWNER = address(0xA11CE);
    address private constant ALICE = address(0xB0B);

    function setUp() public {
        token = new MarketToken("Market Token", "MKT", 6, OWNER);
    }

    function test_MetadataAndOwner() public view {
        vm.assertEq(token.decimals(), 6, "decimals");
        vm.assertEq(token.owner(), OWNER, "owner");
        vm.assertEq(keccak256(bytes(token.symbol())), keccak256("MKT"), "symbol");
        vm.assertEq(token.totalSupply(), 0, "no supply at start");
    }

    function test_OwnerMints() public {
        vm.prank(OWNER);
        token.mint(ALICE, 1_000_000);
        vm.assertEq(token.balanceOf(ALICE), 1_000_000, "minted balance");
        vm.assertEq(token.totalSupply(), 1_000_000, "supply");
    }

    function test_RevertWhen_OtherAccountMints() public {
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, ALICE));
        token.mint(ALICE, 1);
    }
}
