// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {IStepVerifier} from "../../contracts/IStepVerifier.sol";

/// @title AttestationVerifier
/// @author parallax
/// @notice The prover stub's on-chain half: an `IStepVerifier` that accepts a one-block step when
///         at least `threshold()` allow-listed prover keys signed an EIP-712 `StepAttestation` of
///         it. It stands in for a one-step fraud-proof VM (OP Stack's MIPS `IBigStepper`,
///         Arbitrum-classic's OneStepProof): it checks signatures, not execution.
/// @dev Trust assumption: at least one of any `threshold()` allow-listed prover keys is honest,
///      i.e. signs only transitions it re-executed itself from L1 data. Devnet: 1 of 1, the prover
///      key is L1 dev account #4. See prover-stub/README.md, "On-chain verifier".
///
///      EIP-712 domain: name "ParallaxProverStub", version "1", the L1 chain id, this contract.
///      Struct: `StepAttestation(bytes32 preOutputRoot,bytes32 batchDataHash,uint64 l2BlockNumber,bytes32 postOutputRoot)`.
///      Proof: `abi.encode(bytes[] signatures)`, 65-byte (r, s, v) ECDSA signatures (OpenZeppelin
///      `ECDSA`: low-s only, no malleable duplicates) ordered by strictly ascending signer address.
///      The allow list and the threshold are fixed at deployment (no admin).
contract AttestationVerifier is IStepVerifier, EIP712 {
    /// @notice EIP-712 type hash of `StepAttestation`.
    bytes32 public constant STEP_ATTESTATION_TYPEHASH = keccak256(
        "StepAttestation(bytes32 preOutputRoot,bytes32 batchDataHash,uint64 l2BlockNumber,bytes32 postOutputRoot)"
    );

    /// @notice The threshold is zero or above the number of provers.
    /// @param threshold The threshold that was passed.
    /// @param proverCount The number of provers that was passed.
    error InvalidThreshold(uint256 threshold, uint256 proverCount);

    /// @notice A prover address is the zero address.
    error ZeroAddress();

    /// @notice A prover address appears twice in the constructor's list.
    /// @param prover The repeated address.
    error DuplicateProver(address prover);

    /// @notice Minimum number of distinct allow-listed signers a proof needs.
    uint256 public immutable threshold;

    /// @notice Whether `account` is an allow-listed prover key.
    mapping(address account => bool) public isProver;

    /// @dev The allow list, in constructor order.
    address[] private _provers;

    /// @notice Creates the verifier; the allow list and threshold can never change.
    /// @dev Reverts `ZeroAddress` for a zero prover, `DuplicateProver` for a repeated one and
    ///      `InvalidThreshold` unless `1 <= threshold_ <= provers_.length`.
    /// @param provers_ The allow-listed prover addresses.
    /// @param threshold_ Signatures required per step (M of N).
    constructor(address[] memory provers_, uint256 threshold_) EIP712("ParallaxProverStub", "1") {
        if (threshold_ == 0 || threshold_ > provers_.length) revert InvalidThreshold(threshold_, provers_.length);
        for (uint256 i = 0; i < provers_.length; ++i) {
            address p = provers_[i];
            if (p == address(0)) revert ZeroAddress();
            if (isProver[p]) revert DuplicateProver(p);
            isProver[p] = true;
            _provers.push(p);
        }
        threshold = threshold_;
    }

    /// @inheritdoc IStepVerifier
    /// @dev True iff `proof` decodes as `bytes[]`, every signature recovers (OpenZeppelin
    ///      `ECDSA.tryRecover`) to an allow-listed prover over
    ///      `attestationDigest(preOutputRoot, batchDataHash, l2BlockNumber, postOutputRoot)`,
    ///      the signers are strictly ascending (so each counts once), and there are at least
    ///      `threshold()` of them. Returns false for a bad, unknown, duplicate or unsorted
    ///      signature; reverts only when `proof` is not ABI-encoded `bytes[]`.
    function verifyStep(
        bytes32 preOutputRoot,
        bytes32 batchDataHash,
        uint64 l2BlockNumber,
        bytes32 postOutputRoot,
        bytes calldata proof
    ) external view returns (bool valid) {
        bytes[] memory signatures = abi.decode(proof, (bytes[]));
        if (signatures.length < threshold) return false;
        bytes32 digest = attestationDigest(preOutputRoot, batchDataHash, l2BlockNumber, postOutputRoot);
        address last = address(0);
        for (uint256 i = 0; i < signatures.length; ++i) {
            (address signer, ECDSA.RecoverError err,) = ECDSA.tryRecover(digest, signatures[i]);
            if (err != ECDSA.RecoverError.NoError) return false;
            if (signer <= last || !isProver[signer]) return false;
            last = signer;
        }
        return true;
    }

    /// @notice The EIP-712 digest a prover signs for one step.
    /// @param preOutputRoot Output root of block `l2BlockNumber - 1`.
    /// @param batchDataHash Data hash of the inbox batch holding the block.
    /// @param l2BlockNumber The L2 block.
    /// @param postOutputRoot Output root of block `l2BlockNumber` after executing it.
    /// @return digest `keccak256("\x19\x01" ++ domainSeparator ++ hashStruct(StepAttestation))`.
    function attestationDigest(
        bytes32 preOutputRoot,
        bytes32 batchDataHash,
        uint64 l2BlockNumber,
        bytes32 postOutputRoot
    ) public view returns (bytes32 digest) {
        return _hashTypedDataV4(
            keccak256(abi.encode(STEP_ATTESTATION_TYPEHASH, preOutputRoot, batchDataHash, l2BlockNumber, postOutputRoot))
        );
    }

    /// @notice The EIP-712 domain separator (also readable field by field via ERC-5267 `eip712Domain()`).
    /// @return separator The domain separator for this chain and contract.
    function domainSeparator() external view returns (bytes32 separator) {
        return _domainSeparatorV4();
    }

    /// @notice The allow-listed prover addresses, in constructor order.
    /// @return list The provers.
    function provers() external view returns (address[] memory list) {
        return _provers;
    }
}
