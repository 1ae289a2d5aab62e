// What a function's name says it is for: a teardown path ends what a setup path began. One list,
// so every detector that asks "is this a release, remove or reset path?" gives the same answer.

export type Role = 'setup' | 'teardown';

/** Verbs that make a function a teardown path. */
const TEARDOWN_VERBS: ReadonlySet<string> = new Set([
  'release', 'remove', 'close', 'reset', 'unbind', 'detach', 'destroy', 'exit', 'free', 'unmap', 'unpin', 'cleanup', 'teardown',
  'uninit', 'deinit', 'fini', 'shutdown', 'unregister', 'unrealize', 'unplug', 'unset', 'unsetup', 'stop',
]);
/** Verbs that make a function a setup path. */
const SETUP_VERBS: ReadonlySet<string> = new Set(['probe', 'open', 'setup', 'bind', 'attach', 'map', 'pin', 'register', 'create', 'realize', 'plug']);

/** The words of a C name, lower case: `__vhost_dev_cleanup` → vhost, dev, cleanup. */
export const nameWords = (name: string): string[] => name.toLowerCase().split('_').filter(Boolean);

/** Whether a word of a name is a setup or a teardown verb. */
export const isRoleVerb = (word: string): boolean => TEARDOWN_VERBS.has(word) || SETUP_VERBS.has(word);

/** Whether one of the function's words is a teardown verb (vfio_pci_core_close_device, vduse_dev_reset). */
export const isTeardownName = (name: string): boolean => nameWords(name).some((w) => TEARDOWN_VERBS.has(w));

/** The role the first role verb in the name gives, if any. */
export function roleOfWords(words: readonly string[]): Role | null {
  for (const w of words) {
    if (TEARDOWN_VERBS.has(w)) return 'teardown';
    if (SETUP_VERBS.has(w)) return 'setup';
  }
  return null;
}
