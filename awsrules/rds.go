package awsrules

// RDS PostgreSQL on gp3: storage from RDSMinStorageGiB to RDSMaxStorageGiB,
// automated backups kept 0 (off) to RDSMaxBackupRetentionDays days.
const (
	RDSMinStorageGiB          = 20
	RDSMaxStorageGiB          = 65536
	RDSMaxBackupRetentionDays = 35
)

// RDSBackupWindow and RDSMaintenanceWindow are every RDS instance's, in
// UTC: set, so that AWS Backup's daily job is not left to collide with a
// window RDS would pick at random (AWS Backup does not start a job in or
// close to the automated backup window).
const (
	RDSBackupWindow      = "00:30-01:00"
	RDSMaintenanceWindow = "sun:01:30-sun:02:00"
)

// Defaults of an app's RDS instance.
const (
	DefaultInstanceClass       = "db.t4g.micro"
	DefaultAllocatedStorage    = 20
	DefaultMaxAllocatedStorage = 100
	// DefaultBackupRetentionDays applies unless the database is
	// disposable: an instance that keeps data keeps backups of it.
	DefaultBackupRetentionDays = 7
)
