/**
 * Spring's types that wrap the body a handler sends (`ResponseEntity<T>`, Spring Data's `Page<T>` / `Slice<T>`,
 * Spring HATEOAS' `EntityModel<T>` / `CollectionModel<T>` / `PagedModel<T>`), read through the plugin's
 * `jvmEntities` section (`wrappers`) by excessive-data-exposure; the JDK's and Kotlin's collections stay the check's.
 */
export const springResponseWrappers: readonly string[] = ['ResponseEntity', 'Page', 'Slice', 'EntityModel', 'CollectionModel', 'PagedModel'];
