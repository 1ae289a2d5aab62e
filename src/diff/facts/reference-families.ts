// The kinds of counted reference (eventfd contexts, files, devices, krefs) and their get and put
// calls, shared by the lifetime and the resource-role detectors.

/** Get and put of one kind of reference. */
export const FAMILIES: { name: string; get: RegExp; put: RegExp }[] = [
  { name: 'eventfd', get: /^(eventfd_ctx_fdget|eventfd_ctx_fileget|eventfd_ctx_get)$/, put: /^eventfd_ctx_put$/ },
  { name: 'file', get: /^(fget|fdget|get_file|fget_raw)$/, put: /^(fput|fdput)$/ },
  { name: 'device', get: /^(get_device|vdpa_get_device|pci_dev_get|kobject_get)$/, put: /^(put_device|pci_dev_put|kobject_put)$/ },
  { name: 'kref', get: /^(kref_get|kref_get_unless_zero|refcount_inc|refcount_inc_not_zero|vfio_device_try_get_registration|iommufd_get_object|iommufd_lock_obj|dma_buf_get|get_task_struct|mmgrab|mmget|mmget_not_zero|get_pid|module_get|try_module_get)$/, put: /^(kref_put|refcount_dec|refcount_dec_and_test|vfio_device_put_registration|iommufd_put_object|dma_buf_put|put_task_struct|mmdrop|mmput|put_pid|module_put)$/ },
];
/** A get or put of a counted reference: ref-unbalanced speaks for these. */
export const isCountedReference = (call: string) => FAMILIES.some((f) => f.get.test(call) || f.put.test(call));
