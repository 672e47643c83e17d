import { BmpError } from '../errors.js';

/**
 * A package could not be fetched or resolved: the hub, a download or git failed (BMP_DEPS_NETWORK,
 * BMP_DEPS_GIT), a package is not where its entry says (BMP_DEPS_NOT_FOUND, BMP_DEPS_NOT_A_PACKAGE).
 * Printed as one line, exit code 2, like every error a user can cause.
 */
export class DependencyError extends BmpError {
  protected override get kind() {
    return 'Dependency Error';
  }
}
