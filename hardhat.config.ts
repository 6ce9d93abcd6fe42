/**
 * Hardhat 3 configuration for parallax's L1 contracts (`contracts/`).
 *
 * - Solidity is compiled offline with the solcjs (wasm) build shipped by the `solc` npm package;
 *   `version` must equal that package's version (a mismatch is silent and picks the wrong EVM
 *   target).
 * - `npx hardhat test nodejs` runs only the node:test suites in `test/contracts/`; the rest of
 *   the repository's tests run with plain `node --test`.
 * - Sources: `contracts/` (the rollup's L1 contracts; `contracts/test/` holds test-only helpers)
 *   and `prover-stub/contracts/` (the attestation step verifier).
 * - `localhost` is a `hardhat node --hostname 127.0.0.1 --port 8545` used as the L1 in dev.
 */
import { createRequire } from 'node:module';
import hardhatToolboxViemPlugin from '@nomicfoundation/hardhat-toolbox-viem';
import { defineConfig } from 'hardhat/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  plugins: [hardhatToolboxViemPlugin],
  solidity: {
    version: '0.8.37',
    path: require.resolve('solc/soljson.js'),
    settings: {
      evmVersion: 'cancun',
      optimizer: { enabled: true, runs: 200 },
    },
  },
  paths: {
    // Both folders compile into one artifacts tree: artifacts/contracts/<F>.sol/<C>.json and
    // artifacts/prover-stub/contracts/AttestationVerifier.sol/AttestationVerifier.json.
    sources: ['contracts', 'prover-stub/contracts'],
    tests: {
      nodejs: 'test/contracts',
      solidity: 'test/contracts',
    },
  },
  networks: {
    localhost: { type: 'http', url: 'http://127.0.0.1:8545' },
  },
});
