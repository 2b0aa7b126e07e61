"""Runs moto_server with the Application Auto Scaling tag calls moto 5.2.1 lacks.

The AWS provider reads and writes the tags of every aws_appautoscaling_target
(ListTagsForResource, TagResource, UntagResource, and Tags on
RegisterScalableTarget). moto 5.2.1 has no handlers for them, so a create
never finishes. This launcher adds them, keeping tags in memory per
scalable-target ARN, then starts moto's own server with the same
command-line arguments as moto_server.
"""
import json

from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse
from moto.server import main

_tags = {}  # scalable target ARN -> {key: value}


def _list_tags_for_resource(self):
    return json.dumps({"Tags": _tags.get(self._get_param("ResourceARN"), {})})


def _tag_resource(self):
    _tags.setdefault(self._get_param("ResourceARN"), {}).update(self._get_param("Tags") or {})
    return json.dumps({})


def _untag_resource(self):
    tags = _tags.get(self._get_param("ResourceARN"), {})
    for key in self._get_param("TagKeys") or []:
        tags.pop(key, None)
    return json.dumps({})


_register = ApplicationAutoScalingResponse.register_scalable_target


def _register_scalable_target(self):
    body = _register(self)
    tags = self._get_param("Tags")
    if tags:
        _tags.setdefault(json.loads(body)["ScalableTargetARN"], {}).update(tags)
    return body


ApplicationAutoScalingResponse.register_scalable_target = _register_scalable_target
ApplicationAutoScalingResponse.list_tags_for_resource = _list_tags_for_resource
ApplicationAutoScalingResponse.tag_resource = _tag_resource
ApplicationAutoScalingResponse.untag_resource = _untag_resource

if __name__ == "__main__":
    main()
