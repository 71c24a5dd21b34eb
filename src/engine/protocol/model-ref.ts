import type { ModelRef } from '../ports'

// OpenCode names a model `provider/model` (in its config, our CLI, settings and plugin options).
// The provider id holds no slash; the model id may (e.g. `openrouter/meta/llama-3`). Neither holds
// whitespace.

const MODEL_REF = /^([^/\s]+)\/(\S+)$/

/** The model a `provider/model` string names; undefined when it is not one. */
export function parseModelRef(spec: string | undefined): ModelRef | undefined {
  const m = spec === undefined ? null : MODEL_REF.exec(spec)
  return m ? { providerID: m[1] as string, modelID: m[2] as string } : undefined
}
