// The one before() hook every suite against the Samba fixture needs: skip (or fail under CI) when
// Samba is not installed, otherwise start the process's shared directory, which takes a while
// the first time. A suite calls useSamba() once in its describe() and reads the directory
// through the accessor inside its tests and later hooks.
import { requireBinary } from './daemon.js';
import { SAMBA_BINARY, SAMBA_PACKAGES, startSamba, type SambaDirectory } from './samba.js';

/** Provisioning and loading the fixture takes about a minute on a slow machine. */
const START_TIMEOUT_MS = 180_000;

export function useSamba(): () => SambaDirectory {
  let directory: SambaDirectory | undefined;
  before(async function () {
    this.timeout(START_TIMEOUT_MS);
    requireBinary(this, SAMBA_BINARY, SAMBA_PACKAGES);
    directory = await startSamba();
  });
  return () => {
    if (directory === undefined) throw new Error("the Samba directory is read before useSamba()'s before() hook ran");
    return directory;
  };
}
