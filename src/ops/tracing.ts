import type { TracerProvider } from "@opentelemetry/api";

/**
 * Fedify's OpenTelemetry traces (signing, verifying, fetching, delivering),
 * exported over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set.  The SDK
 * is loaded only then, so an instance without tracing pays nothing for it.
 */
export async function startTracing(endpoint: string): Promise<{ provider: TracerProvider; shutdown(): Promise<void> }> {
  const [{ BasicTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }] = await Promise.all([
    import("@opentelemetry/sdk-trace-base"),
    import("@opentelemetry/exporter-trace-otlp-http"),
    import("@opentelemetry/resources"),
  ]);
  const exporter = new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, "")}/v1/traces` });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": process.env["OTEL_SERVICE_NAME"] ?? "consilium" }),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  return { provider, shutdown: () => provider.shutdown().catch(() => {}) };
}
