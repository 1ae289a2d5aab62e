// module-param-default-changed on hunks shaped like real ones: an existing parameter's initial
// value flipped, a parameter started from a #define whose value moves, a combined declaration
// where one of several parameters changes; and the near misses (a new parameter, "0" rewritten
// as "false", a plain static whose initializer changes, a new parameter added beside old ones)
// that must stay quiet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileDiff, factsOf } from '../uapi/helpers.js';
import type { Fact } from '../../../src/model/facts.js';

/** Symbol and the detail's first clause (what changed; the rest says what breaks). */
const defaults = (facts: Fact[]) => facts.filter((f) => f.kind === 'module-param-default-changed').map((f) => `${f.symbol}: ${f.detail!.split(':')[0]}`);
const of = (path: string, body: string, at = 36) => defaults(factsOf(fileDiff(path, { at, body })));

test('an existing parameter whose variable starts from another value is a default change', () => {
  assert.deepEqual(
    of('drivers/vhost/net.c', `
 #include "vhost.h"
 
-static int experimental_zcopytx = 1;
+static int experimental_zcopytx = 0;
 module_param(experimental_zcopytx, int, 0444);
 MODULE_PARM_DESC(experimental_zcopytx, "Enable Zero Copy TX;"`),
    ['experimental_zcopytx: changes the default of module parameter "experimental_zcopytx" from 1 to 0'],
  );
});

test('a bool parameter that gains an initializer moves from off to on', () => {
  assert.deepEqual(
    of('net/vmw_vsock/af_vsock.c', `
-static bool netns;
+static bool netns = true;
 module_param(netns, bool, 0644);`),
    ['netns: changes the default of module parameter "netns" from 0 to true'],
  );
});

test('module_param_named reports the parameter\'s name, and a #define it starts from counts', () => {
  assert.deepEqual(
    of('drivers/vfio/pci/vfio_pci_core.c', `
-#define DEFAULT_IDLE_DELAY_MS 0
+#define DEFAULT_IDLE_DELAY_MS 1000
 
 static unsigned int idle_delay_ms = DEFAULT_IDLE_DELAY_MS;
 module_param_named(idle_delay, idle_delay_ms, uint, 0444);`),
    ['idle_delay: changes the default of module parameter "idle_delay" from 0 to 1000 (through DEFAULT_IDLE_DELAY_MS)'],
  );
});

test('module_param_named_unsafe reports the parameter\'s name too', () => {
  assert.deepEqual(
    of('drivers/vfio/vfio_iommu_type1.c', `
-static bool allow_unsafe_interrupts;
+static bool allow_unsafe_interrupts = true;
 module_param_named_unsafe(allow_unsafe_irqs, allow_unsafe_interrupts, bool, 0644);`),
    ['allow_unsafe_irqs: changes the default of module parameter "allow_unsafe_irqs" from 0 to true'],
  );
});

test('in a combined declaration only the parameter whose value moved is reported', () => {
  assert.deepEqual(
    of('drivers/vhost/scsi.c', `
-static bool fast_io = true, inline_sg = false;
+static bool fast_io = true, inline_sg = true;
 module_param(fast_io, bool, 0444);
 module_param(inline_sg, bool, 0444);`),
    ['inline_sg: changes the default of module parameter "inline_sg" from false to true'],
  );
});

test('near misses: a new parameter, 0 written as false, a plain static, a parameter added beside others', () => {
  // A brand-new parameter is module-param-added, not a changed default.
  assert.deepEqual(of('drivers/vhost/net.c', `
+static bool batch_rx = true;
+module_param(batch_rx, bool, 0444);`), []);
  // The same value spelled another way.
  assert.deepEqual(of('drivers/vhost/net.c', `
-static bool experimental_zcopytx = 0;
+static bool experimental_zcopytx = false;
 module_param(experimental_zcopytx, bool, 0444);`), []);
  // A static that no module_param names is no parameter.
  assert.deepEqual(of('drivers/vhost/vhost.c', `
-static int max_mem_regions = 64;
+static int max_mem_regions = 509;
 static int max_iotlb_entries = 2048;
 module_param(max_iotlb_entries, int, 0444);`), []);
  // One more parameter declared beside existing ones changes none of their defaults.
  assert.deepEqual(of('drivers/net/virtio_net.c', `
-static bool csum = true, gso = true, napi_tx = true;
+static bool csum = true, gso = true, napi_tx = true, premapped;
 module_param(csum, bool, 0444);
 module_param(gso, bool, 0444);`), []);
});
