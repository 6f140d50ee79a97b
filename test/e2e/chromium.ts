// Debian's Chromium, driven by playwright-core, as the browser tests launch it. The flags keep it off the network
// (this machine has none: without them it keeps trying Google's hosts) and let media autoplay.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.KVS_BROKER_CHROMIUM ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not at ${CHROMIUM}: install it (apt-get install -y chromium) or point KVS_BROKER_CHROMIUM at ` +
        'another build; set KVS_BROKER_SKIP_BROWSER=1 to skip the browser tests on purpose',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--autoplay-policy=no-user-gesture-required',
    ],
    timeout: 30_000,
  });
}
