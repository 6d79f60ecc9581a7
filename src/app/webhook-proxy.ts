import type { Logger } from "probot";

/** A running forwarder of webhook deliveries. */
export interface WebhookProxy {
  close(): void;
}

/** The part of `smee-client` used here (named export since 5.0, default export before). */
type SmeeClientClass = new (options: {
  source: string;
  target: string;
  logger: Logger;
}) => {
  start(): Promise<WebhookProxy> | WebhookProxy;
};
interface SmeeClientModule {
  SmeeClient?: SmeeClientClass;
  default?: SmeeClientClass;
}

/**
 * Forward the deliveries of a smee.io channel (`WEBHOOK_PROXY_URL`, written by the setup flow for local development)
 * to this server, as Probot's own server does. `smee-client` is optional: without it a warning says how to install
 * it and nothing is forwarded.
 *
 * @param target full URL of this server's webhook path
 */
export async function startWebhookProxy(options: {
  source: string;
  target: string;
  log: Logger;
}): Promise<WebhookProxy | undefined> {
  const name = "smee-client";
  let SmeeClient: SmeeClientClass | undefined;
  try {
    const module = (await import(name)) as SmeeClientModule;
    SmeeClient = module.SmeeClient ?? module.default;
  } catch {
    SmeeClient = undefined;
  }
  if (!SmeeClient) {
    options.log.warn("WEBHOOK_PROXY_URL is set: run `npm install --save-dev smee-client` to forward its deliveries.");
    return undefined;
  }
  return await new SmeeClient({ source: options.source, target: options.target, logger: options.log }).start();
}
