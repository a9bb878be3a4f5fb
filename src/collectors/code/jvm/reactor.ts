/**
 * Project Reactor (the `jvm-reactor` library family, Spring WebFlux's return types): `Mono<T>` and `Flux<T>` wrap
 * the body a handler sends, read through the plugin's `jvmEntities` section (`wrappers`) by excessive-data-exposure.
 */
import type { JvmEntityProvider } from '../plugin.js';

export const reactorWrappers: JvmEntityProvider = { annotations: [], wrappers: ['Mono', 'Flux'] };
