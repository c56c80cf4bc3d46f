// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title MarketToken
/// @notice An ERC-20 token for development chains and tests: the owner mints, everyone else transfers.
/// @dev Not meant for a public chain: the owner can mint without limit.
contract MarketToken is ERC20, Ownable {
    uint8 private immutable _decimals;

    /// @param name_ The token's name.
    /// @param symbol_ The token's symbol.
    /// @param decimals_ Decimal places wallets show (the marketplace's smallest unit is a millionth of a price unit,
    /// so 6 maps one token to one price unit).
    /// @param owner_ The account allowed to mint.
    constructor(string memory name_, string memory symbol_, uint8 decimals_, address owner_)
        ERC20(name_, symbol_)
        Ownable(owner_)
    {
        _decimals = decimals_;
    }

    /// @notice Creates `amount` new tokens for `to` (emits the ERC-20 `Transfer` from the zero address).
    function mint(address to, uint256 amount) external onlyOwner {
        _mint(to, amount);
    }

    /// @inheritdoc ERC20
    function decimals() public view override returns (uint8) {
        return _decimals;
    }
}
