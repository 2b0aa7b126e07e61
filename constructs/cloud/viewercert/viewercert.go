// Package viewercert is what every CloudFront distribution of the project
// shows its viewers: CloudFront's own *.cloudfront.net certificate, or a
// custom domain (an alias) with its ACM certificate, SNI, TLS 1.2 or later.
package viewercert

import (
	"github.com/aws/jsii-runtime-go"
	cf "github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudfrontdistribution"
)

// MinimumProtocol is the oldest TLS version viewers may use.
const MinimumProtocol = "TLSv1.2_2021"

// For is a distribution's aliases and viewer certificate: domain with
// certificateARN (a us-east-1 ACM certificate that covers it), or none
// and CloudFront's certificate when domain is empty.
func For(domain string, certificateARN *string) (*[]*string, *cf.CloudfrontDistributionViewerCertificate) {
	if domain == "" {
		return nil, &cf.CloudfrontDistributionViewerCertificate{CloudfrontDefaultCertificate: jsii.Bool(true)}
	}
	return jsii.Strings(domain), &cf.CloudfrontDistributionViewerCertificate{
		AcmCertificateArn: certificateARN, SslSupportMethod: jsii.String("sni-only"),
		MinimumProtocolVersion: jsii.String(MinimumProtocol),
	}
}
