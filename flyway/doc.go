// Package flyway reads an app's Flyway migrations (migrations/<app>/):
// versioned V<version>__<description>.sql and repeatable
// R__<description>.sql files. It enforces Flyway's naming rules, rejects
// duplicate versions and empty files, orders migrations the way Flyway
// applies them, and hashes their content so deploys re-run Flyway exactly
// when a file changed. Pure Go: no jsii, no database.
package flyway
