import { lookup } from "node:dns";
import type { IncomingHttpHeaders } from "node:http";
import { request } from "node:https";
import { BlockList, isIP, type LookupFunction } from "node:net";
import { Readable } from "node:stream";
import type { FetchLike } from "@modelcontextprotocol/sdk/shared/transport.js";
import { PRIVATE_RANGES } from "../environment/squid-config.js";

/**
 * The ranges the egress proxy refuses (private, loopback, link-local, cloud metadata, ...), one BlockList per family:
 * Node checks an IPv4 address against IPv6 rules through its IPv4-mapped form, so `::ffff:0:0/96` in one shared
 * list would refuse every IPv4 address.
 */
function privateRanges(family: "ipv4" | "ipv6"): BlockList {
  const list = new BlockList();
  for (const range of PRIVATE_RANGES) {
    const [address = "", prefix = ""] = range.split("/");
    if (address.includes(":") === (family === "ipv6")) list.addSubnet(address, Number(prefix), family);
  }
  return list;
}

const PRIVATE_V4 = privateRanges("ipv4");
const PRIVATE_V6 = privateRanges("ipv6");

/** True when `address` (an IP literal; anything else counts as private) lies in a range no repository server may use. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return PRIVATE_V4.check(address, "ipv4");
  if (family === 6) return PRIVATE_V6.check(address, "ipv6");
  return true;
}

/** DNS lookup that fails when any address of the name is private: the connection uses only checked addresses. */
const publicLookup: LookupFunction = (hostname, options, callback) => {
  lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, "", 0);
    const refused = addresses.find((entry) => isPrivateAddress(entry.address));
    if (refused || addresses.length === 0) {
      return callback(new Error(`${hostname} resolves to a private address; refused`), "", 0);
    }
    if (options.all) return (callback as unknown as (e: null, a: typeof addresses) => void)(null, addresses);
    const first = addresses[0] as { address: string; family: number };
    callback(null, first.address, first.family);
  });
};

function toHeaders(headers: IncomingHttpHeaders): Headers {
  const result = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) result.append(name, one);
  }
  return result;
}

/**
 * A `fetch` over `node:https` whose connections resolve names only through `options.lookup` (so what the lookup
 * checked is what the socket connects to): https only, no redirects followed (a 3xx is returned as it is), only the
 * headers and body the MCP SDK gives it. `options.ca` adds trusted CAs (tests). Use {@link publicOnlyFetch}.
 */
export function pinnedFetch(options: { lookup: LookupFunction; ca?: string }): FetchLike {
  return (url, init) => fetchOnce(url, init, options);
}

/**
 * The `fetch` of repository-declared MCP endpoints ({@link pinnedFetch}): connections only to public addresses;
 * the name is resolved once, every address checked against the egress proxy's private ranges, and the socket
 * opened to a checked address (no DNS-rebinding window). No credentials of Tanuki's are ever sent.
 */
export const publicOnlyFetch: FetchLike = pinnedFetch({ lookup: publicLookup });

function fetchOnce(
  url: string | URL,
  init: RequestInit | undefined,
  options: { lookup: LookupFunction; ca?: string },
): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    const target = new URL(url);
    if (target.protocol !== "https:") return reject(new Error(`only https is allowed: ${target.origin}`));
    const host = target.hostname.replace(/^\[|\]$/g, "");
    if (isIP(host) !== 0 && isPrivateAddress(host)) return reject(new Error(`${host} is a private address; refused`));
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    const outgoing = request(
      target,
      {
        method: init?.method ?? "GET",
        headers,
        lookup: options.lookup,
        ...(options.ca ? { ca: options.ca } : {}),
        ...(init?.signal ? { signal: init.signal } : {}),
      },
      (response) => {
        const status = response.statusCode ?? 502;
        const empty = status === 204 || status === 304 || init?.method === "HEAD";
        if (empty) response.resume();
        resolve(
          new Response(empty ? null : (Readable.toWeb(response) as ReadableStream<Uint8Array>), {
            status,
            headers: toHeaders(response.headers),
          }),
        );
      },
    );
    outgoing.on("error", reject);
    const body = init?.body;
    if (body === undefined || body === null) outgoing.end();
    else if (typeof body === "string" || body instanceof Uint8Array) outgoing.end(body);
    else {
      outgoing.destroy();
      reject(new Error("unsupported request body"));
    }
  });
}
