package io.partitrain.worker.backend.azureml;

import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobStorageException;
import io.partitrain.worker.backend.JobLog;
import java.io.ByteArrayOutputStream;
import java.util.function.BooleanSupplier;

/**
 * An Azure ML job's {@code user_logs/std_log.txt}, read from the workspace's artifact storage
 * ({@code workspaceartifactstore}, blob {@code ExperimentRun/dcid.<job>/user_logs/std_log.txt}),
 * where the studio's "Outputs + logs" tab and {@code az ml job stream} read it. The service appends
 * to it while the job runs; reads ask for the range after the last byte seen.
 */
public final class AzureMlJobLog implements JobLog {

  /** The blob of a job's log under the artifact store's container. */
  public static String blobName(String jobName) {
    return "ExperimentRun/dcid." + jobName + "/user_logs/std_log.txt";
  }

  private final BlobClient blob;
  private final BooleanSupplier ended;

  AzureMlJobLog(BlobClient blob, BooleanSupplier ended) {
    this.blob = blob;
    this.ended = ended;
  }

  @Override
  public byte[] readFrom(long offset) {
    try {
      long size = blob.getProperties().getBlobSize();
      if (size <= offset) {
        return new byte[0];
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      blob.downloadStreamWithResponse(
          out, new BlobRange(offset, size - offset), null, null, false, null, null);
      return out.toByteArray();
    } catch (BlobStorageException e) {
      if (e.getStatusCode() == 404) {
        return new byte[0]; // not written yet: the job has not started its code
      }
      throw e;
    }
  }

  @Override
  public boolean ended() {
    return ended.getAsBoolean();
  }

  @Override
  public String where() {
    return blob.getAccountUrl() + "/" + blob.getContainerName() + "/" + blob.getBlobName();
  }
}
