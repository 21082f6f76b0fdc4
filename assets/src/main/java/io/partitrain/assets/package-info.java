/**
 * The asset component: a job's local paths and {@code azureml:} references as workspace assets.
 * {@link io.partitrain.assets.CodeSnapshot} hashes a folder or file with the CLI's ignore rules;
 * {@link io.partitrain.assets.CodeAssets} and {@link io.partitrain.assets.DataUploads} upload what
 * the workspace lacks, once per content, any number of uploaders at once; {@link
 * io.partitrain.assets.ArmAssetResolver} resolves {@code @latest}; {@link
 * io.partitrain.assets.WorkspaceAssets} puts them together and registers inline environments.
 *
 * <p>Why a Maven module of its own, between {@code shared} and {@code worker}: both the azureml
 * backend (worker) and the starter ({@code run start}, {@code schedule apply} in the CLI) resolve
 * assets, so the code cannot live in the worker; and it needs azure-core and azure-storage-blob,
 * which {@code shared} (the contracts every service and the orchestrator load) should not carry.
 * The picture: starter → assets ← azureml backend. The component reaches ARM only through {@link
 * io.partitrain.assets.ArmCalls}, so it does not need the worker's transport (its rate limits and
 * circuit breaker) and never depends on the worker, the orchestrator or the CLI (checked by the
 * deploy module's {@code ArchitectureTest} and {@code ModuleBoundariesTest}).
 */
package io.partitrain.assets;
