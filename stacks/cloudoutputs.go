package stacks

import "github.com/homecloud-dev/fullstack/config"

// addOutputs are the cloud stack's outputs: where the sites and services
// answer, the network, registry, cluster and databases, and the deploy
// role.
func (s *Cloud) addOutputs(p *config.Project, services *cloudServices, siteURLs map[string]string) {
	c := p.Cloud
	if len(s.Sites) > 0 {
		output(s.TerraformStack, "site_urls", siteURLs, "Where each site answers (CloudFront).")
	}
	if services.LoadBalancer != nil {
		output(s.TerraformStack, "load_balancer_dns_name", services.LoadBalancer.DNSName(), "Internal DNS name of the shared load balancer: only CloudFront reaches it, through its VPC origin.")
		output(s.TerraformStack, "service_urls", services.URLs, "Where each api/model app answers (HTTPS).")
	}
	output(s.TerraformStack, "region", c.Region, "AWS region of the cloud stack.")
	output(s.TerraformStack, "vpc_id", s.Network.VPCID(), "Id of the project's VPC.")
	output(s.TerraformStack, "vpc_cidr", s.Network.CIDR(), "Address range of the project's VPC.")
	output(s.TerraformStack, "public_subnet_ids", s.Network.PublicSubnetIDs(), "Public subnets, one per availability zone.")
	output(s.TerraformStack, "private_subnet_ids", s.Network.PrivateSubnetIDs(), "Private subnets, one per availability zone.")
	output(s.TerraformStack, "service_subnet_ids", s.Network.ServiceSubnetIDs(), "Subnets services run in (public without NAT, else private).")
	output(s.TerraformStack, "nat_strategy", string(c.NAT), "NAT strategy of the network.")
	sgs := s.Network.SecurityGroups
	output(s.TerraformStack, "security_group_ids", map[string]*string{
		"load_balancer": sgs.LoadBalancer.Id(), "services": sgs.Services.Id(), "database": sgs.Database.Id(),
	}, "Security groups of the three tiers.")
	output(s.TerraformStack, "repository_urls", s.Registry.URLs(), "ECR repository URL of each app.")
	output(s.TerraformStack, "cluster_name", s.Cluster.Name(), "ECS cluster name.")
	output(s.TerraformStack, "cluster_arn", s.Cluster.ARN(), "ECS cluster ARN.")
	output(s.TerraformStack, "execution_role_arn", s.Cluster.ExecutionRole.ARN(), "Task execution role ARN.")
	endpoints, secretARNs, appRoleARNs, images := map[string]*string{}, map[string]*string{}, map[string]*string{}, map[string]string{}
	for app, db := range s.Databases {
		endpoints[app], secretARNs[app], appRoleARNs[app], images[app] = db.Endpoint(), db.SecretARN(), db.AppRoleSecretARN(), s.Migrations[app].Image
	}
	if len(s.Databases) > 0 {
		output(s.TerraformStack, "database_endpoints", endpoints, "RDS endpoint of each app with a database.")
		output(s.TerraformStack, "database_secret_arns", secretARNs, "Secrets Manager secret (username, password) of each database's owner, the RDS master user: Flyway and operators.")
		output(s.TerraformStack, "database_app_role_secret_arns", appRoleARNs, "Secrets Manager secret (username, password) of each app's own database role, which the app logs in as.")
		output(s.TerraformStack, "migration_images", images, "Image each app's Flyway task runs: Flyway plus migrations/<app>.")
	}
	if c.GitHub.Owner != "" {
		output(s.TerraformStack, "deploy_role_arn", deployRoleARN(s.TerraformStack, p), "Role GitHub Actions assumes (created by the "+BootstrapName+" stack).")
	}
}
