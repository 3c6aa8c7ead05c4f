/**
 * Next.js instrumentation hook: runs once per server process before it handles its first request.
 * The Node.js work lives in instrumentation-node.ts so the Edge compilation never sees Node APIs.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { registerNodeServer } = await import('./instrumentation-node');
  await registerNodeServer();
}
