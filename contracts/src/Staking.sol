// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Bls12381} from "./Bls12381.sol";
import {ReceiptCodec} from "./ReceiptCodec.sol";
import {WorkerKeyRegistry} from "./WorkerKeyRegistry.sol";

/// @title Staking
/// @notice Workers bond an ERC-20 stake to take paid jobs. Unbonding waits `unstakeDelay`; until then the pending
/// amount can still be slashed. A slasher key takes a reason's percentage of a worker's active plus pending stake,
/// active first, for a piece of evidence named by its hash; each evidence hash is used once. Slashed tokens go to the
/// treasury. Workers register their BLS keys here too (`WorkerKeyRegistry`, proof of possession checked on chain); a
/// slash for signing two results of one job bans the worker's key.
contract Staking is AccessControl, ReentrancyGuardTransient, WorkerKeyRegistry {
    using SafeERC20 for IERC20;

    /// @notice The role of the marketplace's slashing key.
    bytes32 public constant SLASHER_ROLE = keccak256("SLASHER_ROLE");

    /// @notice Why a worker is slashed; `slashPercent` gives each reason's share. The order matches the
    /// marketplace's `SlashReason`.
    enum SlashReason {
        /// Accepted a job and let its lease or deadline run out: 20 %.
        Timeout,
        /// Its result disagreed with the committee's verified result: 50 %.
        WrongResult,
        /// Signed two different results for one job: 100 %.
        DoubleSign,
        /// Offline while holding work or a committee seat: 10 %.
        Unavailability
    }

    /// A worker's stake: bonded (counts for bidding), pending (asked back, released at `releaseAt`).
    struct Stake {
        uint128 active;
        uint128 pending;
        uint64 releaseAt;
    }

    /// @notice The token staked.
    IERC20 public immutable token;

    /// @notice Seconds from an unstake request to when the amount may be withdrawn.
    uint64 public immutable unstakeDelay;

    /// @notice The active stake a worker needs to bid (`canBid`).
    uint256 public minimumStake;

    /// @notice Where slashed tokens go.
    address public treasury;

    mapping(address worker => Stake) private _stakes;

    /// @notice The worker each used evidence hash was held against (zero: unused).
    mapping(bytes32 evidenceHash => address) public evidenceWorker;

    /// @notice `worker` bonded `amount`; its active stake is now `active`.
    event Staked(address indexed worker, uint256 amount, uint256 active);

    /// @notice `worker` asked `amount` back; `pending` in all is released at `releaseAt`.
    event UnstakeRequested(address indexed worker, uint256 amount, uint256 pending, uint64 releaseAt);

    /// @notice `worker` withdrew its released pending stake.
    event Withdrawn(address indexed worker, uint256 amount);

    /// @notice `worker` lost `fromActive` + `fromPending` for `reason`, on the evidence `evidenceHash`.
    event Slashed(
        address indexed worker,
        bytes32 indexed evidenceHash,
        SlashReason reason,
        uint256 fromActive,
        uint256 fromPending
    );

    /// @notice The minimum stake to bid changed.
    event MinimumStakeChanged(uint256 minimumStake);

    /// @notice Slashed tokens go to `treasury` from now on.
    event TreasuryChanged(address treasury);

    /// @notice An amount of 0.
    error ZeroAmount();
    /// @notice The zero address where an account is needed.
    error ZeroAddress();
    /// @notice An evidence hash of 0.
    error ZeroEvidence();
    /// @notice A stake that would pass 2^128 - 1.
    error StakeTooLarge(uint256 amount);
    /// @notice An unstake request above the active stake.
    error InsufficientStake(uint256 active, uint256 requested);
    /// @notice A withdrawal with nothing pending.
    error NothingPending();
    /// @notice A withdrawal before the pending stake's release time.
    error UnstakeNotReady(uint64 releaseAt);
    /// @notice The evidence hash was already used for a slash.
    error EvidenceAlreadyUsed(bytes32 evidenceHash, address worker);
    /// @notice Double-sign evidence whose two receipts name different jobs.
    error NotOneJob();
    /// @notice Double-sign evidence whose two receipts have the same result: no conflict.
    error SameResult();
    /// @notice A signature that does not verify over `receiptHash` under the signer's registered key.
    error InvalidSignature(bytes32 receiptHash);

    /// @param token_ The ERC-20 token staked.
    /// @param unstakeDelay_ Seconds between an unstake request and its withdrawal.
    /// @param minimumStake_ The active stake a worker needs to bid.
    /// @param treasury_ Where slashed tokens go.
    /// @param admin Holds the admin role: grants `SLASHER_ROLE`, sets the minimum stake and the treasury.
    constructor(IERC20 token_, uint64 unstakeDelay_, uint256 minimumStake_, address treasury_, address admin) {
        if (address(token_) == address(0) || treasury_ == address(0) || admin == address(0)) revert ZeroAddress();
        token = token_;
        unstakeDelay = unstakeDelay_;
        minimumStake = minimumStake_;
        treasury = treasury_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        emit MinimumStakeChanged(minimumStake_);
        emit TreasuryChanged(treasury_);
    }

    // ------------------------------------------------------------------ workers

    /// @notice Bonds `amount` of the caller's tokens (approved beforehand) as its active stake.
    function stake(uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        Stake storage s = _stakes[msg.sender];
        uint256 active = uint256(s.active) + amount;
        if (active > type(uint128).max) revert StakeTooLarge(amount);
        s.active = uint128(active);
        emit Staked(msg.sender, amount, active);

        token.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @notice Moves `amount` of the caller's active stake to pending, released `unstakeDelay` from now. A new
    /// request joins any pending amount, and the whole pending amount then waits from the new request.
    function requestUnstake(uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        Stake storage s = _stakes[msg.sender];
        uint256 active = s.active;
        if (amount > active) revert InsufficientStake(active, amount);
        uint64 releaseAt = uint64(block.timestamp) + unstakeDelay;
        uint256 pending = uint256(s.pending) + amount; // below 2^128: it came out of `active`
        s.active = uint128(active - amount);
        s.pending = uint128(pending);
        s.releaseAt = releaseAt;
        emit UnstakeRequested(msg.sender, amount, pending, releaseAt);
    }

    /// @notice Transfers the caller's pending stake to it once its release time has come.
    function withdraw() external nonReentrant {
        Stake storage s = _stakes[msg.sender];
        uint256 pending = s.pending;
        if (pending == 0) revert NothingPending();
        if (block.timestamp < s.releaseAt) revert UnstakeNotReady(s.releaseAt);
        s.pending = 0;
        s.releaseAt = 0;
        emit Withdrawn(msg.sender, pending);

        token.safeTransfer(msg.sender, pending);
    }

    // ------------------------------------------------------------------ slashing

    /// @notice Slashes `worker` for `reason`: `slashPercent(reason)` of its active plus pending stake (rounded down),
    /// taken from the active stake first, then from the pending one, and transferred to the treasury. The evidence
    /// hash is recorded and cannot be used again; a worker with no stake loses nothing but the evidence is recorded.
    /// @return taken The amount slashed.
    function slash(address worker, bytes32 evidenceHash, SlashReason reason)
        external
        onlyRole(SLASHER_ROLE)
        nonReentrant
        returns (uint256 taken)
    {
        return _slash(worker, evidenceHash, reason);
    }

    /// @notice Slashes on proof, without the slasher key: anyone presents two receipts of one job with different
    /// results (`ReceiptCodec.resultDigest`), each signed over its receipt hash by the key registered under
    /// `signerIdHash` (keccak-256 of the worker id). The worker loses its whole stake (`DoubleSign`) and its key is
    /// banned. The evidence hash is the marketplace's (`DoubleSignEvidence.Hash`): SHA-256 of
    /// `marketplace/double-sign-evidence/v1`, the compressed key and the two receipt hashes, the smaller first, so the
    /// same pair in either order is one offence, used once.
    /// @return taken The amount slashed.
    function slashDoubleSign(
        bytes32 signerIdHash,
        ReceiptCodec.ExecutionReceipt calldata first,
        Bls12381.G2Point calldata firstSignature,
        ReceiptCodec.ExecutionReceipt calldata second,
        Bls12381.G2Point calldata secondSignature
    ) external nonReentrant returns (uint256 taken) {
        WorkerKey memory signer = workerKey(signerIdHash);
        if (keccak256(bytes(first.jobId)) != keccak256(bytes(second.jobId))) revert NotOneJob();
        if (ReceiptCodec.resultDigest(first) == ReceiptCodec.resultDigest(second)) revert SameResult();
        bytes32 firstHash = ReceiptCodec.hash(first);
        bytes32 secondHash = ReceiptCodec.hash(second);
        if (!Bls12381.verify(signer.publicKey, firstHash, firstSignature)) revert InvalidSignature(firstHash);
        if (!Bls12381.verify(signer.publicKey, secondHash, secondSignature)) revert InvalidSignature(secondHash);
        bytes32 evidence = doubleSignEvidenceHash(Bls12381.compressG1(signer.publicKey), firstHash, secondHash);
        return _slash(signer.worker, evidence, SlashReason.DoubleSign);
    }

    /// @notice The marketplace's double-sign evidence hash of a compressed key and two receipt hashes (either order).
    function doubleSignEvidenceHash(bytes memory publicKey, bytes32 a, bytes32 b) public pure returns (bytes32) {
        (bytes32 low, bytes32 high) = a <= b ? (a, b) : (b, a);
        return sha256(abi.encodePacked("marketplace/double-sign-evidence/v1", publicKey, low, high));
    }

    function _slash(address worker, bytes32 evidenceHash, SlashReason reason) private returns (uint256 taken) {
        if (worker == address(0)) revert ZeroAddress();
        if (evidenceHash == bytes32(0)) revert ZeroEvidence();
        address used = evidenceWorker[evidenceHash];
        if (used != address(0)) revert EvidenceAlreadyUsed(evidenceHash, used);
        evidenceWorker[evidenceHash] = worker;

        Stake storage s = _stakes[worker];
        uint256 active = s.active;
        uint256 pending = s.pending;
        taken = (active + pending) * slashPercent(reason) / 100;
        uint256 fromActive = taken < active ? taken : active;
        uint256 fromPending = taken - fromActive;
        s.active = uint128(active - fromActive);
        s.pending = uint128(pending - fromPending);
        if (pending == fromPending) s.releaseAt = 0;
        emit Slashed(worker, evidenceHash, reason, fromActive, fromPending);
        if (reason == SlashReason.DoubleSign) _banKeyOf(worker, evidenceHash);

        if (taken != 0) token.safeTransfer(treasury, taken);
    }

    /// @notice The share of a worker's stake each reason takes, in percent.
    function slashPercent(SlashReason reason) public pure returns (uint256) {
        if (reason == SlashReason.Timeout) return 20;
        if (reason == SlashReason.WrongResult) return 50;
        if (reason == SlashReason.DoubleSign) return 100;
        return 10; // Unavailability
    }

    // ------------------------------------------------------------------ admin

    /// @notice Sets the active stake a worker needs to bid.
    function setMinimumStake(uint256 minimumStake_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        minimumStake = minimumStake_;
        emit MinimumStakeChanged(minimumStake_);
    }

    /// @notice Sets where slashed tokens go.
    function setTreasury(address treasury_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (treasury_ == address(0)) revert ZeroAddress();
        treasury = treasury_;
        emit TreasuryChanged(treasury_);
    }

    // ------------------------------------------------------------------ views

    /// @notice The worker's active stake (what bidding counts).
    function stakeOf(address worker) external view returns (uint256) {
        return _stakes[worker].active;
    }

    /// @notice The worker's active stake, pending stake and the pending stake's release time (0: nothing pending).
    function stakeDetails(address worker) external view returns (uint256 active, uint256 pending, uint64 releaseAt) {
        Stake storage s = _stakes[worker];
        return (s.active, s.pending, s.releaseAt);
    }

    /// @notice Whether the key registered under `workerIdHash` may stand behind a payment or a verdict: registered,
    /// not banned, and its worker's active stake at least `minimumStake`. False for an unknown worker id.
    function isEligible(bytes32 workerIdHash) public view returns (bool) {
        WorkerKey storage entry = _entryOf(workerIdHash);
        return entry.worker != address(0) && !entry.banned && _stakes[entry.worker].active >= minimumStake;
    }

    /// @notice Whether the worker's active stake reaches `minimumStake`, so the marketplace lets it bid.
    function canBid(address worker) external view returns (bool) {
        return _stakes[worker].active >= minimumStake;
    }
}
