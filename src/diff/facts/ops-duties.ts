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

/** A member whose body must make one call before others (set DRIVER_OK before it kicks). */
export interface OrderDuty {
  readonly member: string;
  readonly first: (call: string) => boolean;
  /** Calls that must come after it, and whether they are wrong even with no `first` at all. */
  readonly then: readonly { readonly is: (call: string) => boolean; readonly evenWithout: boolean; readonly words: string }[];
  readonly firstWords: string;
  readonly risk: string;
  readonly fact: 'probe-ready-order-unmet';
}

export interface OpsContract {
  /** The struct the instance is of: "virtio_driver". */
  readonly type: string;
  /** The fact it raises: one per framework, so each framework's entry answers for its own. */
  readonly fact: 'ops-contract-unmet' | 'vfio-ops-contract-unmet';
  readonly members: readonly MemberDuty[];
  readonly bodies: readonly BodyDuty[];
  readonly pairs: readonly PairDuty[];
  readonly orders: readonly OrderDuty[];
}

const resets = (call: string) => call.includes('reset');
/** Calls that hand the device to its subsystem's users (a netdev, a disk, an adapter, a hwrng). */
const SUBSYSTEM_REGISTER = /^(register_netdev(ice)?|device_add_disk|add_disk|i2c_add_(numbered_)?adapter|hwrng_register|devm_hwrng_register|input_register_device|snd_card_register|gpiochip_add_data|devm_gpiochip_add_data|iommu_device_register|video_register_device|drm_dev_register|rproc_add|scmi_\w*register\w*|hci_register_dev)$/;
const deletesVqs = (call: string) => call.endsWith('del_vqs');

const VIRTIO_STOP = {
  stop: resets,
  deletes: deletesVqs,
  stopWords: 'resetting the device (virtio_reset_device)',
  stopLate: 'it resets the device',
  deleteWords: 'deletes the virtqueues',
  risk: 'the device may still use the rings and raise callbacks into memory the driver frees',
};

const OPS_CONTRACTS: readonly OpsContract[] = [
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
    orders: [
      {
        member: 'probe',
        first: (call) => call === 'virtio_device_ready',
        firstWords: 'virtio_device_ready()',
        then: [
          // Notifying before DRIVER_OK is out of spec whether or not probe ever sets it.
          { is: (call) => /^virtqueue_(kick|notify)$/.test(call), evenWithout: true, words: 'kicks a virtqueue' },
          // Registering first lets users reach the device before it is live: only when probe sets DRIVER_OK itself, later.
          { is: (call) => SUBSYSTEM_REGISTER.test(call), evenWithout: false, words: 'registers the device with its subsystem' },
        ],
        risk: 'the device may ignore the notification, and callbacks and users arrive before the device is live',
        fact: 'probe-ready-order-unmet',
      },
    ],
  },
  {
    type: 'vfio_device_ops',
    fact: 'vfio-ops-contract-unmet',
    members: [
      { together: ['bind_iommufd', 'unbind_iommufd', 'attach_ioas'], breaks: 'vfio refuses to register a device whose iommufd callbacks are incomplete, and what bind set up has no matching unbind' },
    ],
    bodies: [],
    pairs: [{ setup: 'open_device', teardown: 'close_device' }],
    orders: [],
  },
];

export const CONTRACT_OF = new Map(OPS_CONTRACTS.map((c) => [c.type, c]));
