import { getLlama } from "node-llama-cpp";

/**
 * Setup check of the Action (run by action.yml after the dependencies are restored or installed): node-llama-cpp's
 * prebuilt native binary for this runner loads (CUDA, Vulkan or CPU, whichever works), without building or
 * downloading anything. Prints the backend; exits 1 with the reason when no binary loads.
 */
async function checkNative(): Promise<number> {
  try {
    const llama = await getLlama({ gpu: "auto", build: "never", skipDownload: true, progressLogs: false });
    process.stdout.write(`node-llama-cpp loads; GPU backend: ${String(llama.gpu)}\n`);
    await llama.dispose();
    return 0;
  } catch (err) {
    process.stderr.write(
      `::error::node-llama-cpp's native binary does not load on this runner: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    return 1;
  }
}

process.exitCode = await checkNative();
