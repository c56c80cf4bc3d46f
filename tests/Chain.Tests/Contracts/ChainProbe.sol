// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// Test contract for the EVM client's acceptance tests: state writes, events with indexed and non-indexed
/// arguments, view calls with dynamic and tuple results, and every revert shape (custom error, Error(string),
/// Panic(uint256), empty).
contract ChainProbe {
    struct Entry {
        uint64 id;
        bytes32 tag;
    }

    error TooLarge(uint256 value, uint256 limit);
    error NotOwner(address caller);

    event Stored(address indexed by, uint256 indexed key, string note, uint256 value);
    event Deposited(address indexed from, uint256 amount);

    uint256 public immutable limit;
    address public owner;
    mapping(uint256 => uint256) public values;

    constructor(uint256 limit_) payable {
        limit = limit_;
        owner = msg.sender;
    }

    function store(uint256 key, uint256 value, string calldata note) external {
        if (value > limit) revert TooLarge(value, limit);
        values[key] = value;
        emit Stored(msg.sender, key, note, value);
    }

    function deposit() external payable {
        emit Deposited(msg.sender, msg.value);
    }

    function onlyOwner() external view returns (bool) {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        return true;
    }

    function requirePositive(uint256 v) external pure returns (uint256) {
        require(v > 0, "value must be positive");
        return v;
    }

    function divide(uint256 a, uint256 b) external pure returns (uint256) {
        return a / b;
    }

    function revertEmpty() external pure {
        revert();
    }

    function echo(Entry[] calldata entries, string calldata text, int32 delta)
        external
        pure
        returns (Entry[] memory, string memory, int256)
    {
        return (entries, text, int256(delta) * 2);
    }
}
