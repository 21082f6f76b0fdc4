package io.partitrain.worker.backend.azureml;

import java.nio.file.Path;

/**
 * Turns a local {@code code:} folder into a workspace code version, the way {@code az ml job
 * create} does: hashed ({@link CodeSnapshot}), looked up by hash, uploaded and registered only when
 * the workspace has no version with that content. The backend's implementation uploads; the dry run
 * ({@code job render}) only says what it would upload, and where.
 */
public interface LocalUploads {

  /**
   * @param runId every partition of a run gets the same answer, even if a file changes mid-run
   * @param folder the local folder (absolute)
   * @return the ARM id of the code version holding the folder's content
   * @throws AzureMlTranslationException when the folder cannot be read
   */
  String codeVersionId(String runId, Path folder);
}
