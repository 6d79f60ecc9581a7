import type Dockerode from "dockerode";
import { SandboxError } from "../core/errors.js";
import { dockerStatusCode, toSandboxError } from "../sandbox/docker-errors.js";
import type { SetupPlan, Toolchain } from "./setup-plan.js";

/** The command that builds the toolchain images, named when one is missing. */
export const BUILD_TOOLCHAIN_IMAGES_COMMAND = "scripts/build-env-images.sh";

/**
 * Name of the sandbox image with extra toolchains, as scripts/build-env-images.sh builds it: the sandbox image's
 * repository plus the toolchains, sorted and joined by `-` (`tanuki-sandbox:latest` + go, rust →
 * `tanuki-sandbox-go-rust:latest`). The sandbox image itself when no toolchain is needed.
 */
export function toolchainImageName(sandboxImage: string, toolchains: readonly Toolchain[]): string {
  if (toolchains.length === 0) return sandboxImage;
  const slash = sandboxImage.lastIndexOf("/");
  const colon = sandboxImage.lastIndexOf(":");
  const hasTag = colon > slash;
  const repository = hasTag ? sandboxImage.slice(0, colon) : sandboxImage;
  const tag = hasTag ? sandboxImage.slice(colon + 1) : "latest";
  return `${repository}-${[...toolchains].sort().join("-")}:${tag}`;
}

/** Why an image could not be had: an outcome of the environment phase (`image` problem), not an exception. */
export class ImageUnavailable extends Error {}

/** True when the engine has `image`. */
export async function hasImage(docker: Dockerode, image: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect();
    return true;
  } catch (err) {
    if (dockerStatusCode(err) === 404) return false;
    throw toSandboxError(`cannot inspect image ${image}`, err);
  }
}

/** Id (`sha256:…`) of a present image. */
export async function imageId(docker: Dockerode, image: string): Promise<string> {
  try {
    return (await docker.getImage(image).inspect()).Id;
  } catch (err) {
    throw toSandboxError(`cannot inspect image ${image}`, err);
  }
}

/**
 * The image Tanuki picks for a plan without an image of the repository's own: the sandbox image with the detected
 * toolchains. When that image is missing and the sandbox image is the operator's own (not Tanuki's default), the
 * sandbox image is used as is (an operator's image is assumed to carry what it needs).
 *
 * @throws SandboxError code `sandbox-image` naming the command that builds the missing toolchain image
 */
export async function toolchainImage(docker: Dockerode, sandboxImage: string, plan: SetupPlan): Promise<string> {
  const image = toolchainImageName(sandboxImage, plan.toolchains);
  if (image === sandboxImage || (await hasImage(docker, image))) return image;
  if (!sandboxImage.startsWith("tanuki-sandbox:")) return sandboxImage;
  throw new SandboxError(
    `image ${image} (the sandbox image with ${plan.toolchains.join(", ")}) not found. Build it with: ` +
      `${BUILD_TOOLCHAIN_IMAGES_COMMAND} ${plan.toolchains.join("+")}`,
    { code: "sandbox-image" },
  );
}

/**
 * Pulls an image a repository named (devcontainer `image`, tanuki.yml `environment.image`) unless present. The
 * engine pulls with its own network and credentials, like any `docker pull`.
 *
 * @throws ImageUnavailable when it cannot be pulled (no registry reachable, no such image)
 */
export async function ensurePulled(docker: Dockerode, image: string, onLine: (line: string) => void): Promise<void> {
  if (await hasImage(docker, image)) return;
  try {
    const stream = await docker.pull(image);
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(
        stream,
        (err: Error | null) => (err ? reject(err) : resolve()),
        (event: { status?: string; error?: string }) => onLine(event.error ?? event.status ?? ""),
      );
    });
  } catch (err) {
    throw new ImageUnavailable(`cannot pull ${image}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * Builds a repository's Dockerfile (`dockerfile`, relative to `context`, both inside the work tree) as `tag`. The
 * build's RUN steps are attached to the egress proxy's internal network and get its URL as HTTP(S)_PROXY, so they
 * reach the package registries and nothing else, as the install commands do.
 *
 * @throws ImageUnavailable when the build fails (the message ends with its last output lines)
 */
export async function buildRepoImage(
  docker: Dockerode,
  options: {
    workspaceDir: string;
    dockerfile: { path: string; context: string };
    tag: string;
    network: string;
    proxyUrl: string;
    labels: Record<string, string>;
    onLine: (line: string) => void;
    signal?: AbortSignal;
  },
): Promise<void> {
  const { context, path } = options.dockerfile;
  const relative = context === "." ? path : path.startsWith(`${context}/`) ? path.slice(context.length + 1) : undefined;
  if (relative === undefined)
    throw new ImageUnavailable(`the Dockerfile ${path} is outside its build context ${context}`);
  const proxy = {
    HTTP_PROXY: options.proxyUrl,
    HTTPS_PROXY: options.proxyUrl,
    http_proxy: options.proxyUrl,
    https_proxy: options.proxyUrl,
  };
  try {
    const stream = await docker.buildImage(
      { context: `${options.workspaceDir}/${context}`, src: ["."] },
      {
        t: options.tag,
        dockerfile: relative,
        networkmode: options.network,
        buildargs: proxy,
        labels: options.labels,
        forcerm: true,
        ...(options.signal ? { abortSignal: options.signal } : {}),
      },
    );
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(
        stream,
        (err: Error | null) => (err ? reject(err) : resolve()),
        (event: { stream?: string; error?: string }) => {
          if (event.error) reject(new Error(event.error));
          else if (event.stream) options.onLine(event.stream);
        },
      );
    });
  } catch (err) {
    throw new ImageUnavailable(`building ${path} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
