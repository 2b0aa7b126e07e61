package alarms

import (
	"strconv"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmsalias"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmskey"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/snstopic"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/snstopicpolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/snstopicsubscription"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/constructs/iampolicy"
)

// publishers are the services that publish alerts to the topic.
var publishers = []string{"cloudwatch.amazonaws.com", "events.amazonaws.com"}

// Topic is one region's alert topic and the key that encrypts it.
type Topic struct {
	constructs.Construct
	Topic snstopic.SnsTopic
	Key   kmskey.KmsKey
}

// account is what the key and topic policies name.
type account struct{ partition, id string }

// newTopic is an SNS topic encrypted with a key of its own: SNS's
// AWS-managed key would refuse CloudWatch and EventBridge, which may only
// publish to a topic whose key policy lets them. provider is nil for the
// stack's default region.
func newTopic(scope constructs.Construct, id, name string, provider cdktf.TerraformProvider, acct account, props Props) *Topic {
	c := constructs.NewConstruct(scope, jsii.String(id))
	t := &Topic{Construct: c}
	t.Key = kmskey.NewKmsKey(c, jsii.String("key"), &kmskey.KmsKeyConfig{
		Provider:             provider,
		Description:          jsii.String("Encrypts the alert topic " + name),
		EnableKeyRotation:    jsii.Bool(true),
		DeletionWindowInDays: jsii.Number(30),
		Policy:               jsii.String(keyPolicy(acct).JSON()),
	})
	kmsalias.NewKmsAlias(c, jsii.String("alias"), &kmsalias.KmsAliasConfig{
		Provider: provider, Name: jsii.String("alias/" + name), TargetKeyId: t.Key.KeyId(),
	})
	t.Topic = snstopic.NewSnsTopic(c, jsii.String("topic"), &snstopic.SnsTopicConfig{
		Provider:       provider,
		Name:           jsii.String(name),
		KmsMasterKeyId: t.Key.Arn(),
	})
	snstopicpolicy.NewSnsTopicPolicy(c, jsii.String("policy"), &snstopicpolicy.SnsTopicPolicyConfig{
		Provider: provider,
		Arn:      t.Topic.Arn(),
		Policy:   jsii.String(topicPolicy(*t.Topic.Arn(), acct).JSON()),
	})
	for i, email := range props.Email {
		snstopicsubscription.NewSnsTopicSubscription(c, jsii.String("email-"+strconv.Itoa(i)), &snstopicsubscription.SnsTopicSubscriptionConfig{
			Provider: provider, TopicArn: t.Topic.Arn(), Protocol: jsii.String("email"), Endpoint: jsii.String(email),
		})
	}
	for i, hook := range props.Webhooks {
		snstopicsubscription.NewSnsTopicSubscription(c, jsii.String("webhook-"+strconv.Itoa(i)), &snstopicsubscription.SnsTopicSubscriptionConfig{
			Provider: provider, TopicArn: t.Topic.Arn(), Protocol: jsii.String("https"), Endpoint: jsii.String(hook),
			// The receiver confirms by fetching the SubscribeURL SNS posts.
			EndpointAutoConfirms: jsii.Bool(false),
		})
	}
	return t
}

// keyPolicy: the account administers the key through IAM; the
// publishers may use it for this account's alerts only.
func keyPolicy(acct account) iampolicy.Document {
	admin := iampolicy.Allow("AccountAdministersThroughIAM", []string{"kms:*"}, []string{"*"})
	admin.Principal = map[string]any{"AWS": "arn:" + acct.partition + ":iam::" + acct.id + ":root"}
	alarms := iampolicy.Allow("CloudWatchAlarmsEncrypt", []string{"kms:Decrypt", "kms:GenerateDataKey*"}, []string{"*"})
	alarms.Principal = map[string]any{"Service": "cloudwatch.amazonaws.com"}
	alarms.Condition = map[string]map[string]any{"StringEquals": {"aws:SourceAccount": acct.id}}
	// EventBridge honours no aws:Source* condition in a key policy when it
	// delivers to an encrypted topic; the topic policy limits who publishes.
	events := iampolicy.Allow("EventBridgeEncrypts", []string{"kms:Decrypt", "kms:GenerateDataKey*"}, []string{"*"})
	events.Principal = map[string]any{"Service": "events.amazonaws.com"}
	return iampolicy.New(admin, alarms, events)
}

// topicPolicy lets the publishers post to the topic for this account.
func topicPolicy(topicARN string, acct account) iampolicy.Document {
	publish := iampolicy.Allow("AlertPublishersPublish", []string{"sns:Publish"}, []string{topicARN})
	publish.Principal = map[string]any{"Service": publishers}
	publish.Condition = map[string]map[string]any{"StringEquals": {"aws:SourceAccount": acct.id}}
	return iampolicy.New(publish)
}
