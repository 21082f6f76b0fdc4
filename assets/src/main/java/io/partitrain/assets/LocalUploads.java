package io.partitrain.assets;

import java.nio.file.Path;

/**
 * Turns a local {@code code:} folder into a workspace code version, and a local input into a
 * datastore URI, the way {@code az ml job create} does: hashed ({@link CodeSnapshot}), looked up by
 * hash, uploaded (and for code registered) only when the workspace lacks that content. The
 * backend's implementation uploads; the dry run ({@code job render}) only says what it would
 * upload, and where.
 */
public interface LocalUploads {

  /**
   * @param runId every partition of a run gets the same answer, even if a file changes mid-run
   * @param folder the local folder (absolute)
   * @return the ARM id of the code version holding the folder's content
   * @throws AzureMlTranslationException when the folder cannot be read
   */
  String codeVersionId(String runId, Path folder);

  /**
   * @param field the job.yml key, for errors ({@code inputs.sales.path})
   * @param path a local file ({@code uri_file}) or folder ({@code uri_folder}), absolute
   * @return an {@code azureml://datastores/NAME/paths/...} URI holding the same content
   */
  String dataUri(String runId, String field, Path path);

  /**
   * A Docker build context, uploaded to the default datastore like a local input folder.
   *
   * @param field the job.yml key, for errors ({@code environment.build.path})
   * @param folder the context folder (absolute)
   * @return the {@code https://} blob URL of the uploaded folder, with a trailing {@code /}, as an
   *     environment version's {@code build.contextUri} wants it
   */
  String buildContextUri(String runId, String field, Path folder);
}
