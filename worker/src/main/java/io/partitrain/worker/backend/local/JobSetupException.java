package io.partitrain.worker.backend.local;

import io.partitrain.shared.contracts.FailureClass;

/**
 * A job that cannot even start (missing code folder, undeclared input, a job folder file that
 * cannot be written): its folder records it FAILED with this class and message, and no process
 * starts.
 */
final class JobSetupException extends RuntimeException {
  final FailureClass failureClass;

  JobSetupException(FailureClass failureClass, String message) {
    super(message);
    this.failureClass = failureClass;
  }
}
