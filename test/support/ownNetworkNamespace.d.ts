export interface OwnNetworkNamespaceOptions {
  /** The environment variable that says, in the inner run and its children, where they run. */
  marker: string;
  /** Sets of `unshare` flags to try in turn, e.g. [['--net'], ['--net', '--map-root-user']]. */
  unshareFlags: string[][];
  /** Go on in this namespace when none can be made (instead of exiting 1). */
  fallback?: boolean;
  /** Give the inner run a process group of its own and forward signals to it. */
  ownProcessGroup?: boolean;
}

/** See ownNetworkNamespace.js: never returns outside; inside, where this process runs. */
export function runInOwnNetworkNamespace(options: OwnNetworkNamespaceOptions): Promise<string>;
