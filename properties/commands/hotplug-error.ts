/** A hotplug operation the model enabled did not succeed (the test harness, not an invariant). */
export class HotplugError extends Error {
  override readonly name = 'HotplugError';
}
