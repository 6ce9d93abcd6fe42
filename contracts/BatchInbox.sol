// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title BatchInbox
/// @author parallax
/// @notice L1 inbox for parallax L2 batches. The sequencer appends one batch per call, covering a
///         contiguous range of L2 blocks; batches are numbered 0, 1, 2, ... in append order.
/// @dev Like OP Stack's batch inbox, the batch bytes are kept only in the transaction's calldata:
///      the contract stores keccak256(data) so a reader (the challenger) that fetches the L1
///      transaction input can check it has the exact bytes. L2 genesis (block 0) is never batched,
///      so the first batch must start at L2 block 1.
contract BatchInbox {
    /// @notice Metadata kept on-chain for one appended batch.
    /// @dev `firstBlock`..`lastBlock` is the inclusive L2 block range; `dataHash` is keccak256 of
    ///      the batch bytes passed to `appendBatch`; `l1Block` is the L1 block number it landed in.
    struct Batch {
        uint64 firstBlock;
        uint64 lastBlock;
        bytes32 dataHash;
        uint64 l1Block;
    }

    /// @notice The caller of `appendBatch` is not the sequencer.
    /// @param caller The rejected `msg.sender`.
    error NotSequencer(address caller);

    /// @notice The batch does not start at the next unbatched L2 block.
    /// @param expected The L2 block the batch had to start at (`nextBlock()`).
    /// @param got The `firstBlock` that was passed.
    error NonContiguousBatch(uint64 expected, uint64 got);

    /// @notice `lastBlock` is lower than `firstBlock`.
    error EmptyBlockRange();

    /// @notice The batch data is empty.
    error EmptyBatch();

    /// @notice No batch has the requested index.
    /// @param index The requested batch index.
    error BatchNotFound(uint256 index);

    /// @notice A constructor address argument is the zero address.
    error ZeroAddress();

    /// @notice A batch was appended.
    /// @param batchIndex Index of the new batch (0-based).
    /// @param firstBlock First L2 block in the batch (inclusive).
    /// @param lastBlock Last L2 block in the batch (inclusive).
    /// @param dataHash keccak256 of the batch bytes (the transaction's `data` argument).
    event BatchAppended(uint256 indexed batchIndex, uint64 firstBlock, uint64 lastBlock, bytes32 dataHash);

    /// @notice The only address allowed to append batches.
    address public immutable sequencer;

    /// @dev Appended batches, in order.
    Batch[] private _batches;

    /// @dev First L2 block not yet covered by a batch; starts at 1 (genesis is never batched).
    uint64 private _nextBlock = 1;

    /// @notice Creates the inbox.
    /// @param sequencer_ The address allowed to call `appendBatch`; must not be zero.
    constructor(address sequencer_) {
        if (sequencer_ == address(0)) revert ZeroAddress();
        sequencer = sequencer_;
    }

    /// @notice Appends a batch covering L2 blocks `firstBlock`..`lastBlock` (inclusive).
    /// @dev Reverts `NotSequencer` unless called by the sequencer, `NonContiguousBatch` unless
    ///      `firstBlock == nextBlock()`, `EmptyBlockRange` if `lastBlock < firstBlock` and
    ///      `EmptyBatch` if `data` is empty. Emits `BatchAppended`.
    /// @param firstBlock First L2 block in the batch; must equal `nextBlock()`.
    /// @param lastBlock Last L2 block in the batch; must be >= `firstBlock`.
    /// @param data The encoded batch; only its keccak256 hash is stored.
    function appendBatch(uint64 firstBlock, uint64 lastBlock, bytes calldata data) external {
        if (msg.sender != sequencer) revert NotSequencer(msg.sender);
        uint64 expected = _nextBlock;
        if (firstBlock != expected) revert NonContiguousBatch(expected, firstBlock);
        if (lastBlock < firstBlock) revert EmptyBlockRange();
        if (data.length == 0) revert EmptyBatch();

        bytes32 dataHash = keccak256(data);
        uint256 batchIndex = _batches.length;
        _batches.push(
            Batch({firstBlock: firstBlock, lastBlock: lastBlock, dataHash: dataHash, l1Block: uint64(block.number)})
        );
        _nextBlock = lastBlock + 1;
        emit BatchAppended(batchIndex, firstBlock, lastBlock, dataHash);
    }

    /// @notice Number of batches appended so far.
    /// @return count The number of batches; valid indices are 0..count-1.
    function batchCount() external view returns (uint256 count) {
        return _batches.length;
    }

    /// @notice Returns the metadata of batch `index`.
    /// @dev Reverts `BatchNotFound` if `index >= batchCount()`.
    /// @param index The batch index (0-based).
    /// @return batch The stored batch metadata.
    function getBatch(uint256 index) external view returns (Batch memory batch) {
        if (index >= _batches.length) revert BatchNotFound(index);
        return _batches[index];
    }

    /// @notice The L2 block the next batch must start at.
    /// @return blockNumber `lastBlock + 1` of the latest batch, or 1 when no batch exists.
    function nextBlock() external view returns (uint64 blockNumber) {
        return _nextBlock;
    }
}
