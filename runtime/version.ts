// The package's name and version, written here rather than read from package.json so nothing is
// read from disk at import (bundled hosts have no package.json beside the code). A test checks
// they match package.json; bump both together (CHANGELOG.md says how).
export const PACKAGE_NAME = 'customerio-tray-connectors';
export const PACKAGE_VERSION = '0.1.0';
/** Sent on every request, so Customer.io (and a proxy's logs) can tell these calls apart. */
export const USER_AGENT = `${PACKAGE_NAME}/${PACKAGE_VERSION}`;
