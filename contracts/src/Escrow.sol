// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

/// @title Escrow
/// @notice Holds each job's escrow in an ERC-20 token from the client's deposit until the job is settled once:
/// released to its payees (executor and committee members; the rest back to the client) by a settlement key, or
/// refunded in full to the client. Settled amounts are credited to balances that their owners withdraw.
/// @dev Storage is laid out so that settling many jobs in one transaction is cheap (see README.md, "Gas"):
/// a job's client and amount share one slot that settlement only reads, settled states are two bits per job in a
/// bitmap indexed by the job's sequence number, and a batch adds up what it owes each account before it writes.
contract Escrow is AccessControl, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice The role of the marketplace's settlement key: releases jobs and refunds them before their deadline.
    bytes32 public constant SETTLER_ROLE = keccak256("SETTLER_ROLE");

    /// @notice The largest escrow of one job (2^96 - 1 smallest units).
    uint256 public constant MAX_ESCROW = type(uint96).max;

    /// @notice Where a job is in its life.
    enum JobState {
        /// No deposit was made under this job id.
        None,
        /// Deposited and not yet settled.
        Open,
        /// Released to its payees (the rest, if any, credited to the client).
        Released,
        /// Refunded in full to the client.
        Refunded
    }

    uint256 private constant _RELEASED = 1;
    uint256 private constant _REFUNDED = 2;

    /// @notice The token escrowed and paid.
    IERC20 public immutable token;

    /// @notice How many jobs were deposited; the last job's index (indexes start at 1).
    uint64 public jobCount;

    /// @notice How many batches were released; the last batch's id (ids start at 1).
    uint256 public batchCount;

    /// @notice The sum of all open escrows.
    uint256 public totalEscrowed;

    /// @notice The sum of all balances not yet withdrawn.
    uint256 public totalClaimable;

    /// @notice What each account may withdraw (payments, committee fees, refunded remainders).
    mapping(address account => uint256) public claimable;

    /// @notice The Merkle root of each batch's payouts (see `payoutLeaf` and README.md).
    mapping(uint256 batchId => bytes32) public batchRoot;

    /// jobId => jobIndex (bits 0-63) | deadline (bits 64-127). Never cleared: a job id is used once.
    mapping(bytes32 jobId => uint256) private _jobRefs;

    /// jobIndex => amount (bits 0-95) | client (bits 96-255). Written once at deposit, only read afterwards.
    mapping(uint256 jobIndex => uint256) private _escrows;

    /// jobIndex >> 7 => 128 two-bit settled states (0 open, 1 released, 2 refunded), job i at bits 2*(i % 128).
    mapping(uint256 word => uint256) private _settled;

    /// @notice A client escrowed `amount` for job `jobId`, refundable by anyone from `deadline` on.
    event Deposited(
        bytes32 indexed jobId, uint64 indexed jobIndex, address indexed client, uint256 amount, uint64 deadline
    );

    /// @notice A job was released on its own: `amounts[i]` credited to `payees[i]`, `refund` credited to the client.
    event Released(
        bytes32 indexed jobId, uint64 indexed jobIndex, address[] payees, uint256[] amounts, uint256 refund
    );

    /// @notice A job's whole escrow was transferred back to its client.
    event Refunded(bytes32 indexed jobId, uint64 indexed jobIndex, address indexed client, uint256 amount);

    /// @notice A batch settled `jobCount` jobs holding `total` in escrow; `root` commits to its `leafCount` payouts.
    event BatchReleased(
        uint256 indexed batchId, bytes32 indexed root, uint256 jobCount, uint256 leafCount, uint256 total
    );

    /// @notice An account withdrew `amount` of its balance.
    event Withdrawn(address indexed account, uint256 amount);

    /// @notice The job id 0 is reserved.
    error ZeroJobId();
    /// @notice An amount of 0 was given where a positive amount is needed.
    error ZeroAmount();
    /// @notice A deposit above `MAX_ESCROW`.
    error AmountTooLarge(uint256 amount, uint256 max);
    /// @notice A deposit's deadline is not after the current block's time.
    error DeadlineNotInFuture(uint64 deadline, uint256 now_);
    /// @notice The job id was already used by a deposit.
    error JobExists(bytes32 jobId);
    /// @notice No deposit was made under this job id.
    error UnknownJob(bytes32 jobId);
    /// @notice No job has this index.
    error UnknownJobIndex(uint256 jobIndex);
    /// @notice The job was already released or refunded.
    error JobNotOpen(uint256 jobIndex, JobState state);
    /// @notice A refund before the job's deadline by an account that is not a settler.
    error DeadlineNotReached(bytes32 jobId, uint64 deadline);
    /// @notice `payees` and `amounts` differ in length.
    error LengthMismatch(uint256 payees, uint256 amounts);
    /// @notice A release named no payee (a job that pays nobody is refunded instead).
    error NoPayees();
    /// @notice The zero address as a payee or account.
    error ZeroAddress();
    /// @notice A payout line of 0 (leave it out instead).
    error ZeroPayout(uint256 jobIndex);
    /// @notice A job's payouts add up to more than its escrow.
    error PayoutExceedsEscrow(uint256 jobIndex, uint256 paid, uint256 escrow);
    /// @notice A batch with no entries.
    error EmptyBatch();
    /// @notice A batch entry refers to an account slot past the end of `accounts`.
    error AccountSlotOutOfRange(uint256 slot, uint256 accounts);
    /// @notice A batch names the wrong client for a job.
    error ClientMismatch(uint256 jobIndex, address client, address given);
    /// @notice A batch entry has bits set outside its fields, or a job's lines run past the end of the entries.
    error MalformedEntry(uint256 position);
    /// @notice A withdrawal above the account's balance.
    error InsufficientClaimable(uint256 available, uint256 requested);

    /// @param token_ The ERC-20 token jobs are escrowed in (plain transfers: fee-on-transfer tokens are unsupported).
    /// @param admin Holds the admin role: grants and revokes `SETTLER_ROLE`.
    constructor(IERC20 token_, address admin) {
        if (address(token_) == address(0) || admin == address(0)) revert ZeroAddress();
        token = token_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    // ------------------------------------------------------------------ deposits and refunds

    /// @notice Escrows `amount` of the caller's tokens (approved beforehand) for `jobId`. Anyone may refund the job
    /// to the caller from `deadline` on (seconds since the epoch, compared with the block's timestamp).
    /// @return jobIndex The job's sequence number, which batches and payout proofs use.
    function deposit(bytes32 jobId, uint256 amount, uint64 deadline)
        external
        nonReentrant
        returns (uint64 jobIndex)
    {
        if (jobId == bytes32(0)) revert ZeroJobId();
        if (amount == 0) revert ZeroAmount();
        if (amount > MAX_ESCROW) revert AmountTooLarge(amount, MAX_ESCROW);
        if (deadline <= block.timestamp) revert DeadlineNotInFuture(deadline, block.timestamp);
        if (_jobRefs[jobId] != 0) revert JobExists(jobId);

        jobIndex = ++jobCount;
        _jobRefs[jobId] = uint256(jobIndex) | (uint256(deadline) << 64);
        _escrows[jobIndex] = amount | (uint256(uint160(msg.sender)) << 96);
        totalEscrowed += amount;
        emit Deposited(jobId, jobIndex, msg.sender, amount, deadline);

        token.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @notice Escrows several jobs of the caller in one transaction, each exactly as `deposit` would (same checks,
    /// same `Deposited` event, consecutive indexes in the order given) and all with one `deadline`; the tokens move in
    /// one transfer of the sum. All or nothing: one refused job (an id used before or named twice, a zero or too
    /// large amount) reverts the whole call with that job's error.
    /// @return firstIndex The index of `jobIds[0]`; job `i` has index `firstIndex + i`.
    function depositBatch(bytes32[] calldata jobIds, uint256[] calldata amounts, uint64 deadline)
        external
        nonReentrant
        returns (uint64 firstIndex)
    {
        uint256 count = jobIds.length;
        if (count == 0) revert EmptyBatch();
        if (amounts.length != count) revert LengthMismatch(count, amounts.length);
        if (deadline <= block.timestamp) revert DeadlineNotInFuture(deadline, block.timestamp);

        uint64 jobIndex = jobCount;
        firstIndex = jobIndex + 1;
        uint256 clientBits = uint256(uint160(msg.sender)) << 96;
        uint256 total;
        for (uint256 i; i < count; ++i) {
            bytes32 jobId = jobIds[i];
            uint256 amount = amounts[i];
            if (jobId == bytes32(0)) revert ZeroJobId();
            if (amount == 0) revert ZeroAmount();
            if (amount > MAX_ESCROW) revert AmountTooLarge(amount, MAX_ESCROW);
            if (_jobRefs[jobId] != 0) revert JobExists(jobId);

            ++jobIndex;
            _jobRefs[jobId] = uint256(jobIndex) | (uint256(deadline) << 64);
            _escrows[jobIndex] = amount | clientBits;
            total += amount;
            emit Deposited(jobId, jobIndex, msg.sender, amount, deadline);
        }

        jobCount = jobIndex;
        totalEscrowed += total;
        token.safeTransferFrom(msg.sender, address(this), total);
    }

    /// @notice Transfers a job's whole escrow back to its client: by anyone from the job's deadline on, by a
    /// settler at any time (failed, timed out, cancelled jobs).
    function refund(bytes32 jobId) external nonReentrant {
        (uint64 jobIndex, uint64 deadline) = _jobRef(jobId);
        if (block.timestamp < deadline && !hasRole(SETTLER_ROLE, msg.sender)) {
            revert DeadlineNotReached(jobId, deadline);
        }
        (address client, uint256 amount) = _escrowOf(jobIndex);
        _markSettled(jobIndex, _REFUNDED);
        totalEscrowed -= amount;
        emit Refunded(jobId, jobIndex, client, amount);

        token.safeTransfer(client, amount);
    }

    // ------------------------------------------------------------------ release

    /// @notice Releases one job: credits `amounts[i]` to `payees[i]` (executor first, then committee members, by
    /// convention) and the rest of the escrow to the client. The amounts must be positive and add up to at most the
    /// escrow.
    function release(bytes32 jobId, address[] calldata payees, uint256[] calldata amounts)
        external
        onlyRole(SETTLER_ROLE)
    {
        if (payees.length != amounts.length) revert LengthMismatch(payees.length, amounts.length);
        if (payees.length == 0) revert NoPayees();
        (uint64 jobIndex,) = _jobRef(jobId);
        (address client, uint256 escrow) = _escrowOf(jobIndex);
        _markSettled(jobIndex, _RELEASED);

        uint256 paid;
        for (uint256 i; i < payees.length; ++i) {
            address payee = payees[i];
            uint256 amount = amounts[i];
            if (payee == address(0)) revert ZeroAddress();
            if (amount == 0) revert ZeroPayout(jobIndex);
            if (amount > escrow - paid) revert PayoutExceedsEscrow(jobIndex, paid + amount, escrow);
            paid += amount;
            claimable[payee] += amount;
        }
        uint256 rest = escrow - paid;
        if (rest != 0) claimable[client] += rest;
        totalEscrowed -= escrow;
        totalClaimable += escrow;
        emit Released(jobId, jobIndex, payees, amounts, rest);
    }

    /// @notice Settles many jobs at once and records the Merkle root of their payouts.
    /// @param accounts The accounts the batch credits (payees and clients); entries refer to them by position.
    /// @param entries For each job, a header word followed by its payout lines (README.md, "Batch encoding"):
    /// header = jobIndex (bits 0-63) | clientSlot (bits 64-79) | lineCount (bits 80-95);
    /// line = amount (bits 0-127) | accountSlot (bits 128-143). All other bits must be 0.
    /// A job with lines is released: each line's amount is credited to its account, the rest of the escrow to the
    /// client. A job with no lines is refunded: its whole escrow is credited to the client.
    /// @return batchId The batch's id.
    /// @return root The Merkle root over the batch's payout leaves.
    function releaseBatch(address[] calldata accounts, uint256[] calldata entries)
        external
        onlyRole(SETTLER_ROLE)
        returns (uint256 batchId, bytes32 root)
    {
        if (entries.length == 0) revert EmptyBatch();
        for (uint256 s; s < accounts.length; ++s) {
            if (accounts[s] == address(0)) revert ZeroAddress();
        }
        BatchTally memory tally;
        tally.credits = new uint256[](accounts.length);
        tally.leaves = new bytes32[](entries.length); // at most one leaf per entry
        tally.wordIndex = type(uint256).max;
        _settleEntries(accounts, entries, tally);
        if (tally.failure != 0) _revertBatch(tally);

        uint256[] memory credits = tally.credits;
        for (uint256 s; s < accounts.length; ++s) {
            uint256 credit = credits[s];
            if (credit != 0) claimable[accounts[s]] += credit;
        }
        totalEscrowed -= tally.total;
        totalClaimable += tally.total;

        root = _merkleRoot(tally.leaves, tally.leafCount);
        batchId = ++batchCount;
        batchRoot[batchId] = root;
        emit BatchReleased(batchId, root, tally.jobs, tally.leafCount, tally.total);
    }

    // ------------------------------------------------------------------ withdrawals

    /// @notice Transfers `amount` of the caller's balance to the caller.
    function withdraw(uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        uint256 available = claimable[msg.sender];
        if (amount > available) revert InsufficientClaimable(available, amount);
        unchecked {
            claimable[msg.sender] = available - amount;
        }
        totalClaimable -= amount;
        emit Withdrawn(msg.sender, amount);

        token.safeTransfer(msg.sender, amount);
    }

    // ------------------------------------------------------------------ views

    /// @notice A job's index, client, escrowed amount, deadline and state (all zero and `None` for an unknown id).
    function jobOf(bytes32 jobId)
        external
        view
        returns (uint64 jobIndex, address client, uint256 amount, uint64 deadline, JobState state)
    {
        uint256 ref = _jobRefs[jobId];
        if (ref == 0) return (0, address(0), 0, 0, JobState.None);
        jobIndex = uint64(ref);
        deadline = uint64(ref >> 64);
        uint256 record = _escrows[jobIndex];
        amount = uint96(record);
        client = address(uint160(record >> 96));
        state = _stateOf(jobIndex);
    }

    /// @notice The state of the job with index `jobIndex` (`None` past `jobCount`).
    function jobStateAt(uint256 jobIndex) public view returns (JobState) {
        if (jobIndex == 0 || jobIndex > jobCount) return JobState.None;
        return _stateOf(jobIndex);
    }

    /// @notice The Merkle leaf of one payout: keccak256(abi.encode(uint256 jobIndex, address account,
    /// uint256 amount)).
    function payoutLeaf(uint256 jobIndex, address account, uint256 amount) external pure returns (bytes32) {
        return _leaf(jobIndex, account, amount);
    }

    /// @notice Whether `account` was credited `amount` for job `jobIndex` in batch `batchId`, given the sibling
    /// hashes `proof` from its leaf up to the batch's root.
    function verifyPayout(
        uint256 batchId,
        uint256 jobIndex,
        address account,
        uint256 amount,
        bytes32[] calldata proof
    ) external view returns (bool) {
        bytes32 root = batchRoot[batchId];
        return root != bytes32(0) && MerkleProof.verifyCalldata(proof, root, _leaf(jobIndex, account, amount));
    }

    // ------------------------------------------------------------------ internals

    /// A batch's working state, shared with the assembly of `_settleEntries` by field position (32 bytes each):
    /// what the batch owes each account slot, its leaves, totals, the settled-state bitmap word in hand, and the
    /// first fault found (`failure` = one of the `_FAULT_` codes, with up to three values for its error).
    struct BatchTally {
        uint256[] credits; // 0x00
        bytes32[] leaves; // 0x20
        uint256 leafCount; // 0x40
        uint256 jobs; // 0x60
        uint256 total; // 0x80
        uint256 failure; // 0xa0
        uint256 a; // 0xc0
        uint256 b; // 0xe0
        uint256 c; // 0x100
        uint256 wordIndex; // 0x120
        uint256 word; // 0x140
    }

    uint256 private constant _FAULT_MALFORMED = 1;
    uint256 private constant _FAULT_SLOT = 2;
    uint256 private constant _FAULT_UNKNOWN_JOB = 3;
    uint256 private constant _FAULT_CLIENT = 4;
    uint256 private constant _FAULT_NOT_OPEN = 5;
    uint256 private constant _FAULT_ZERO_PAYOUT = 6;
    uint256 private constant _FAULT_EXCEEDS = 7;

    /// Walks a batch's entries: checks every header and line, marks each job settled in the state bitmap (one word
    /// in hand, written back when a job needs another), adds each line's amount and each job's rest to the credits
    /// by account slot and appends the payout leaves. The hot loop of a batch, hence assembly (Solidity's bounds
    /// checks and call overhead cost more than the storage it touches); it stops at the first fault and records it
    /// in the tally, and the caller reverts, undoing any bitmap write.
    function _settleEntries(address[] calldata accounts, uint256[] calldata entries, BatchTally memory tally)
        private
    {
        assembly ("memory-safe") {
            function fault(t, code, a, b, c) {
                mstore(add(t, 0xa0), code)
                mstore(add(t, 0xc0), a)
                mstore(add(t, 0xe0), b)
                mstore(add(t, 0x100), c)
            }
            // Appends keccak256(abi.encode(jobIndex, account, amount)) to the leaves; the preimage goes above the
            // free memory pointer, which stays where it is.
            function addLeaf(t, jobIndex, account, amount) {
                let p := mload(0x40)
                mstore(p, jobIndex)
                mstore(add(p, 0x20), account)
                mstore(add(p, 0x40), amount)
                let n := mload(add(t, 0x40))
                mstore(add(add(mload(add(t, 0x20)), 0x20), shl(5, n)), keccak256(p, 0x60))
                mstore(add(t, 0x40), add(n, 1))
            }
            function credit(t, slot, amount) {
                let cp := add(add(mload(t), 0x20), shl(5, slot))
                mstore(cp, add(mload(cp), amount))
            }
            // Returns the job's current two-bit state; when 0 (open), records `outcome` for it.
            function markSettled(t, jobIndex, outcome, settledSlot) -> state {
                let w := shr(7, jobIndex)
                let held := mload(add(t, 0x120))
                if iszero(eq(w, held)) {
                    if iszero(eq(held, not(0))) {
                        mstore(0x00, held)
                        mstore(0x20, settledSlot)
                        sstore(keccak256(0x00, 0x40), mload(add(t, 0x140)))
                    }
                    mstore(add(t, 0x120), w)
                    mstore(0x00, w)
                    mstore(0x20, settledSlot)
                    mstore(add(t, 0x140), sload(keccak256(0x00, 0x40)))
                }
                let shift := shl(1, and(jobIndex, 127))
                let word := mload(add(t, 0x140))
                state := and(shr(shift, word), 3)
                if iszero(state) { mstore(add(t, 0x140), or(word, shl(shift, outcome))) }
            }

            let i := 0
            for {} lt(i, entries.length) {} {
                let header := calldataload(add(entries.offset, shl(5, i)))
                let end := and(shr(80, header), 0xffff) // the line count for now
                if or(shr(96, header), gt(end, sub(sub(entries.length, i), 1))) {
                    fault(tally, 1, i, 0, 0)
                    break
                }
                let jobIndex := and(header, 0xffffffffffffffff)
                let clientSlot := and(shr(64, header), 0xffff)
                if iszero(lt(clientSlot, accounts.length)) {
                    fault(tally, 2, clientSlot, accounts.length, 0)
                    break
                }
                mstore(0x00, jobIndex)
                mstore(0x20, _escrows.slot)
                let remaining := sload(keccak256(0x00, 0x40)) // the record for now
                if iszero(remaining) {
                    fault(tally, 3, jobIndex, 0, 0)
                    break
                }
                if iszero(eq(calldataload(add(accounts.offset, shl(5, clientSlot))), shr(96, remaining))) {
                    fault(tally, 4, jobIndex, shr(96, remaining), calldataload(add(accounts.offset, shl(5, clientSlot))))
                    break
                }
                remaining := and(remaining, 0xffffffffffffffffffffffff) // the escrow, less what lines take
                mstore(add(tally, 0x60), add(mload(add(tally, 0x60)), 1))
                mstore(add(tally, 0x80), add(mload(add(tally, 0x80)), remaining))
                {
                    // 1 = released, 2 = refunded (a job without lines)
                    let state := markSettled(tally, jobIndex, add(1, iszero(end)), _settled.slot)
                    if state {
                        fault(tally, 5, jobIndex, state, 0)
                        break
                    }
                }

                i := add(i, 1)
                end := add(i, end)
                for {} lt(i, end) { i := add(i, 1) } {
                    let amount := calldataload(add(entries.offset, shl(5, i)))
                    if shr(144, amount) {
                        fault(tally, 1, i, 0, 0)
                        break
                    }
                    let slot := shr(128, amount)
                    amount := and(amount, 0xffffffffffffffffffffffffffffffff)
                    if iszero(lt(slot, accounts.length)) {
                        fault(tally, 2, slot, accounts.length, 0)
                        break
                    }
                    if iszero(amount) {
                        fault(tally, 6, jobIndex, 0, 0)
                        break
                    }
                    if gt(amount, remaining) {
                        fault(tally, 7, jobIndex, amount, remaining)
                        break
                    }
                    remaining := sub(remaining, amount)
                    credit(tally, slot, amount)
                    addLeaf(tally, jobIndex, calldataload(add(accounts.offset, shl(5, slot))), amount)
                }
                if mload(add(tally, 0xa0)) { break }
                if remaining {
                    credit(tally, clientSlot, remaining)
                    addLeaf(tally, jobIndex, calldataload(add(accounts.offset, shl(5, clientSlot))), remaining)
                }
            }
            if iszero(mload(add(tally, 0xa0))) {
                mstore(0x00, mload(add(tally, 0x120)))
                mstore(0x20, _settled.slot)
                sstore(keccak256(0x00, 0x40), mload(add(tally, 0x140)))
            }
        }
    }

    function _revertBatch(BatchTally memory t) private view {
        uint256 f = t.failure;
        if (f == _FAULT_MALFORMED) revert MalformedEntry(t.a);
        if (f == _FAULT_SLOT) revert AccountSlotOutOfRange(t.a, t.b);
        if (f == _FAULT_UNKNOWN_JOB) revert UnknownJobIndex(t.a);
        if (f == _FAULT_CLIENT) revert ClientMismatch(t.a, address(uint160(t.b)), address(uint160(t.c)));
        if (f == _FAULT_NOT_OPEN) revert JobNotOpen(t.a, JobState(t.b + 1));
        if (f == _FAULT_ZERO_PAYOUT) revert ZeroPayout(t.a);
        // _FAULT_EXCEEDS: b = the line's amount, c = what was left of the escrow before it
        (, uint256 escrow) = _escrowOf(t.a);
        revert PayoutExceedsEscrow(t.a, escrow - t.c + t.b, escrow);
    }

    function _jobRef(bytes32 jobId) private view returns (uint64 jobIndex, uint64 deadline) {
        uint256 ref = _jobRefs[jobId];
        if (ref == 0) revert UnknownJob(jobId);
        return (uint64(ref), uint64(ref >> 64));
    }

    function _escrowOf(uint256 jobIndex) private view returns (address client, uint256 amount) {
        uint256 record = _escrows[jobIndex];
        return (address(uint160(record >> 96)), uint96(record));
    }

    function _stateOf(uint256 jobIndex) private view returns (JobState) {
        uint256 bits = (_settled[jobIndex >> 7] >> ((jobIndex & 127) << 1)) & 3;
        return JobState(bits + 1);
    }

    function _markSettled(uint256 jobIndex, uint256 outcome) private {
        uint256 w = jobIndex >> 7;
        uint256 shift = (jobIndex & 127) << 1;
        uint256 word = _settled[w];
        uint256 state = (word >> shift) & 3;
        if (state != 0) revert JobNotOpen(jobIndex, JobState(state + 1));
        _settled[w] = word | (outcome << shift);
    }

    function _leaf(uint256 jobIndex, address account, uint256 amount) private pure returns (bytes32 leaf) {
        assembly ("memory-safe") {
            let p := mload(0x40)
            mstore(p, jobIndex)
            mstore(add(p, 0x20), account)
            mstore(add(p, 0x40), amount)
            leaf := keccak256(p, 0x60)
        }
    }

    /// Pairs neighbours level by level (commutative keccak: the smaller hash first, as OpenZeppelin's MerkleProof
    /// expects); an odd last node moves up a level unchanged. Overwrites `nodes`.
    function _merkleRoot(bytes32[] memory nodes, uint256 count) private pure returns (bytes32 root) {
        assembly ("memory-safe") {
            let data := add(nodes, 0x20)
            for {} gt(count, 1) {} {
                let half := shr(1, count)
                for { let j := 0 } lt(j, half) { j := add(j, 1) } {
                    let left := mload(add(data, shl(6, j)))
                    let right := mload(add(data, add(shl(6, j), 0x20)))
                    if gt(left, right) {
                        let t := left
                        left := right
                        right := t
                    }
                    mstore(0x00, left)
                    mstore(0x20, right)
                    mstore(add(data, shl(5, j)), keccak256(0x00, 0x40))
                }
                if and(count, 1) {
                    mstore(add(data, shl(5, half)), mload(add(data, shl(5, sub(count, 1)))))
                    half := add(half, 1)
                }
                count := half
            }
            root := mload(data)
        }
    }
}
