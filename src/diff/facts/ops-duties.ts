// The duties a framework's ops table puts on the driver that fills it in, as data. Reviewers
// check these whenever a driver adds an ops instance or a member: the core calls some members
// unconditionally, some only make sense in pairs, and a teardown member must stop the device
// before it frees what the device and its callbacks still use. Sources: knowledge/virtio/
// virtio-driver-ops-duties.md and knowledge/vfio/vfio-device-ops-duties.md.

/** Members of the ops type the core calls without checking for NULL, or checks as a set. */
export interface MemberDuty {
  /** Every member in the list must be set once any one is (one name: the member is required). */
  readonly together: readonly string[];
  /** Only when this member is set (a virtio driver without .probe is no driver). */
  readonly when?: string;
  /** What breaks, in a few words, when one is missing. */
  readonly breaks: string;
}

/** A teardown member whose body must stop the device before it deletes what the device uses. */
export interface BodyDuty {
  readonly member: string;
  /** A call that stops the device (name test). */
  readonly stop: (call: string) => boolean;
  /** A call that deletes what the device still reaches once it runs. */
  readonly deletes: (call: string) => boolean;
  readonly stopWords: string;
  /** The member deletes only to unwind a failure (a probe): say so, and expect no teardown otherwise. */
  readonly unwinds?: boolean;
  /** The stop, said of a call that comes too late: "it resets the device". */
  readonly stopLate: string;
  readonly deleteWords: string;
  /** What breaks when the stop is missing or late. */
  readonly risk: string;
}

/** Two members where the second undoes what the first sets up (open_device and close_device). */
export interface PairDuty {
  readonly setup: string;
  readonly teardown: string;
}

export interface OpsContract {
  /** The struct the instance is of: "virtio_driver". */
  readonly type: string;
  /** The fact it raises: one per framework, so each framework's entry answers for its own. */
  readonly fact: 'ops-contract-unmet' | 'vfio-ops-contract-unmet';
  readonly members: readonly MemberDuty[];
  readonly bodies: readonly BodyDuty[];
  readonly pairs: readonly PairDuty[];
}

const resets = (call: string) => call.includes('reset');
const deletesVqs = (call: string) => call.endsWith('del_vqs');

const VIRTIO_STOP = {
  stop: resets,
  deletes: deletesVqs,
  stopWords: 'resetting the device (virtio_reset_device)',
  stopLate: 'it resets the device',
  deleteWords: 'deletes the virtqueues',
  risk: 'the device may still use the rings and raise callbacks into memory the driver frees',
};

export const OPS_CONTRACTS: readonly OpsContract[] = [
  {
    type: 'virtio_driver',
    fact: 'ops-contract-unmet',
    members: [
      { together: ['remove'], when: 'probe', breaks: 'unbinding the driver or unloading the module leaves the device running on queues and memory nothing tears down' },
      { together: ['freeze', 'restore'], breaks: 'a device frozen for suspend is never brought back up, or one brought back was never quiesced' },
    ],
    bodies: [
      { member: 'remove', ...VIRTIO_STOP },
      { member: 'freeze', ...VIRTIO_STOP },
      { member: 'probe', ...VIRTIO_STOP, unwinds: true, deleteWords: 'unwinds a failure by deleting the virtqueues', risk: 'on modern PCI, MMIO and CCW deleting the queues does not reset the device, so they stay enabled, the next probe can fail, and the device may still use the rings' },
    ],
    pairs: [],
  },
  {
    type: 'vfio_device_ops',
    fact: 'vfio-ops-contract-unmet',
    members: [
      { together: ['bind_iommufd', 'unbind_iommufd', 'attach_ioas'], breaks: 'vfio refuses to register a device whose iommufd callbacks are incomplete, and what bind set up has no matching unbind' },
    ],
    bodies: [],
    pairs: [{ setup: 'open_device', teardown: 'close_device' }],
  },
];

export const CONTRACT_OF = new Map(OPS_CONTRACTS.map((c) => [c.type, c]));
