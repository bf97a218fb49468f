from datetime import datetime

from cupola import Cupola, request
from cupola.rest import serializers

app = Cupola(__name__)
COMMENTS = []


class CommentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    email = serializers.EmailField()
    content = serializers.CharField(max_length=200)
    rating = serializers.IntegerField(min_value=1, max_value=5, required=False)
    created = serializers.DateTimeField(read_only=True)

    def validate_content(self, value):  # one field, after its own checks
        if "spam" in value.lower():
            raise serializers.ValidationError("No spam, please.")
        return value

    def validate(self, attrs):  # the whole, once every field is valid
        if attrs.get("rating") == 1 and len(attrs["content"]) < 20:
            raise serializers.ValidationError("Say a little more about a one-star rating.")
        return attrs

    def create(self, validated_data):
        comment = {"id": len(COMMENTS) + 1, "created": datetime(2026, 1, 31, 9, 30)}
        comment.update(validated_data)
        COMMENTS.append(comment)
        return comment


@app.post("/comments")
def add_comment():
    serializer = CommentSerializer(data=request.json)
    if not serializer.is_valid():
        return serializer.errors, 400
    serializer.save()
    return serializer.data, 201


@app.get("/comments")
def list_comments():
    return CommentSerializer(COMMENTS, many=True).data
