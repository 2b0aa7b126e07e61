package config

// AWSRegions are the regions AWS had opened when this release was made
// (commercial, GovCloud and China). A region outside the list is refused:
// a typo would otherwise fail only at deploy time, after minutes of
// provider calls. A region AWS opens later needs a release that lists it.
var AWSRegions = []string{
	"af-south-1",
	"ap-east-1", "ap-east-2",
	"ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
	"ap-south-1", "ap-south-2",
	"ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
	"ca-central-1", "ca-west-1",
	"cn-north-1", "cn-northwest-1",
	"eu-central-1", "eu-central-2",
	"eu-north-1",
	"eu-south-1", "eu-south-2",
	"eu-west-1", "eu-west-2", "eu-west-3",
	"il-central-1",
	"me-central-1", "me-south-1",
	"mx-central-1",
	"sa-east-1",
	"us-east-1", "us-east-2",
	"us-gov-east-1", "us-gov-west-1",
	"us-west-1", "us-west-2",
}

// maxZoneLetter is the last zone letter of any region (us-east-1 has a-f).
const maxZoneLetter = 'f'

// MaxTasksPerService is ECS's fixed limit of tasks in one service.
const MaxTasksPerService = 5000
