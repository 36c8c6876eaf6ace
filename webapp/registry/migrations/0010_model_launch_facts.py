from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0009_model_tokenizer_fingerprint'),
    ]

    operations = [
        migrations.AddField(
            model_name='modelasset',
            name='max_positions',
            field=models.IntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='modelasset',
            name='has_chat_template',
            field=models.BooleanField(null=True),
        ),
        migrations.AddField(
            model_name='modelasset',
            name='linear_modules',
            field=models.JSONField(blank=True, null=True),
        ),
    ]
