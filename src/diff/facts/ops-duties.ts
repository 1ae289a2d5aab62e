// The duties a framework's ops table puts on the driver that fills it in, as data. Reviewers
// check these whenever a driver adds an ops instance or a member: the core calls some members
// unconditionally, some only make sense in pairs, and a teardown member must stop the device
// before it frees what the device and its callbacks still use. Sources: knowledge/virtio/
// virtio-driver-ops-duties.md.

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
}

export interface OpsContract {
  /** The struct the instance is of: "virtio_driver". */
  readonly type: string;
  readonly members: readonly MemberDuty[];
  readonly bodies: readonly BodyDuty[];
}

const resets = (call: string) => call.includes('reset');
const deletesVqs = (call: string) => call.endsWith('del_vqs');

const VIRTIO_STOP = {
  stop: resets,
  deletes: deletesVqs,
  stopWords: 'resetting the device (virtio_reset_device)',
  stopLate: 'it resets the device',
  deleteWords: 'deletes the virtqueues',
};

export const OPS_CONTRACTS: readonly OpsContract[] = [
  {
    type: 'virtio_driver',
    members: [
      { together: ['remove'], when: 'probe', breaks: 'the virtio core calls .remove unconditionally when the driver is unbound or the module unloaded' },
      { together: ['freeze', 'restore'], breaks: 'a device frozen for suspend is never brought back up, or one brought back was never quiesced' },
    ],
    bodies: [
      { member: 'remove', ...VIRTIO_STOP },
      { member: 'freeze', ...VIRTIO_STOP },
      { member: 'probe', ...VIRTIO_STOP, unwinds: true, deleteWords: 'unwinds a failure by deleting the virtqueues' },
    ],
  },
  {
    type: 'vfio_device_ops',
    members: [
      { together: ['bind_iommufd', 'unbind_iommufd', 'attach_ioas'], breaks: 'vfio refuses to register a device whose iommufd callbacks are incomplete, and what bind set up has no matching unbind' },
    ],
    bodies: [],
  },
];

export const CONTRACT_OF = new Map(OPS_CONTRACTS.map((c) => [c.type, c]));
