import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def fill_in_answers_and_endings(apps, schema_editor):
    """Give placements declined or ended before these fields existed what the new constraints ask for.

    The free-text reason of the history row is kept as the note; the structured reason becomes "other",
    since nobody chose one at the time.
    """
    Placement = apps.get_model("employers", "Placement")
    PlacementTransition = apps.get_model("employers", "PlacementTransition")
    for placement in Placement.objects.filter(status__in=["confirmed", "declined", "active", "ended"]).iterator():
        transitions = PlacementTransition.objects.filter(placement=placement).order_by("at", "pk")
        answer = transitions.filter(from_status="proposed", to_status__in=["confirmed", "declined"]).first()
        if answer is not None:
            placement.answered_at = answer.at
            placement.answered_by_id = answer.by_user_id
        if placement.status == "declined":
            placement.decline_reason = "other"
            placement.answer_note = answer.reason if answer is not None else ""
        if placement.status == "ended":
            ending = transitions.filter(to_status="ended").last()
            moment = ending.at if ending is not None else placement.status_changed_at or placement.updated_at
            placement.end_reason = "other"
            placement.ended_on = timezone.localdate(moment)
        placement.save(
            update_fields=["answered_at", "answered_by", "decline_reason", "answer_note", "end_reason", "ended_on"]
        )
    if schema_editor.connection.vendor == "postgresql":
        # Setting answered_by queues deferred foreign-key checks, and PostgreSQL refuses the ALTER TABLE
        # of the constraints below while checks are pending: run them now.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):

    dependencies = [
        ('candidates', '0001_initial'),
        ('employers', '0001_initial'),
        ('pilots', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ContractOffer',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('kind', models.CharField(choices=[('group_helper', 'Contract as group helper (groepshulp)'), ('bbl', 'BBL work-study contract'), ('regular', 'Regular job'), ('other', 'Other')], max_length=32, verbose_name='kind of contract')),
                ('hours_per_week', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(40)], verbose_name='hours a week')),
                ('start_date', models.DateField(verbose_name='start date')),
                ('contract_type', models.CharField(choices=[('fixed_term', 'Fixed term'), ('permanent', 'Permanent'), ('on_call', 'On call')], max_length=16, verbose_name='contract type')),
                ('duration_months', models.PositiveSmallIntegerField(blank=True, help_text='Required for a fixed-term contract.', null=True, validators=[django.core.validators.MinValueValidator(1)], verbose_name='duration in months')),
                ('status', models.CharField(choices=[('offered', 'Offered'), ('accepted', 'Accepted'), ('declined', 'Declined'), ('withdrawn', 'Withdrawn')], default='offered', max_length=16, verbose_name='status')),
                ('answered_at', models.DateTimeField(blank=True, null=True, verbose_name='answered at')),
                ('note', models.TextField(blank=True, verbose_name='note')),
            ],
            options={
                'verbose_name': 'contract offer',
                'verbose_name_plural': 'contract offers',
                'ordering': ['-created_at'],
            },
        ),
        migrations.CreateModel(
            name='JointVacancy',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('title', models.CharField(max_length=200, verbose_name='title')),
                ('description', models.TextField(blank=True, verbose_name='description')),
                ('published_on', models.DateField(verbose_name='published on')),
                ('closes_on', models.DateField(blank=True, help_text='Empty: no fixed closing date.', null=True, verbose_name='closes on')),
            ],
            options={
                'verbose_name': 'joint vacancy',
                'verbose_name_plural': 'joint vacancies',
                'ordering': ['-published_on', 'title'],
            },
        ),
        migrations.CreateModel(
            name='SeatOfferChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('from_places', models.PositiveSmallIntegerField(verbose_name='from')),
                ('to_places', models.PositiveSmallIntegerField(verbose_name='to')),
                ('at', models.DateTimeField(db_index=True, verbose_name='at')),
            ],
            options={
                'verbose_name': 'seat offer change',
                'verbose_name_plural': 'seat offer changes',
                'ordering': ['seat_offer', 'at', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='VacancyApplication',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('applied_on', models.DateField(verbose_name='applied on')),
            ],
            options={
                'verbose_name': 'vacancy application',
                'verbose_name_plural': 'vacancy applications',
                'ordering': ['vacancy', 'applied_on', 'pk'],
            },
        ),
        migrations.AddField(
            model_name='placement',
            name='answer_note',
            field=models.TextField(blank=True, verbose_name='note with the answer'),
        ),
        migrations.AddField(
            model_name='placement',
            name='answered_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='answered at'),
        ),
        migrations.AddField(
            model_name='placement',
            name='answered_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='answered by'),
        ),
        migrations.AddField(
            model_name='placement',
            name='decline_reason',
            field=models.CharField(blank=True, choices=[('no_supervisor', 'No supervisor available'), ('no_fit', 'Does not fit the team or the work'), ('language', 'Language level too low for this workplace'), ('availability', 'Days or hours do not match'), ('distance', 'Travel distance'), ('places_filled', 'No places left'), ('other', 'Other')], max_length=32, verbose_name='reason for declining'),
        ),
        migrations.AddField(
            model_name='placement',
            name='end_reason',
            field=models.CharField(blank=True, choices=[('completed', 'Completed as planned'), ('not_a_fit', 'Not a fit'), ('candidate_stopped', 'The candidate stopped'), ('employer_stopped', 'The employer stopped'), ('health', 'Health'), ('found_other_work', 'Found other work'), ('other', 'Other')], max_length=32, verbose_name='reason for ending'),
        ),
        migrations.AddField(
            model_name='placement',
            name='ended_on',
            field=models.DateField(blank=True, null=True, verbose_name='ended on'),
        ),
        migrations.AddField(
            model_name='placement',
            name='notified_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='employer e-mailed at'),
        ),
        migrations.AddField(
            model_name='placement',
            name='reminder_sent_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='reminder sent at'),
        ),
        migrations.RunPython(fill_in_answers_and_endings, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name='placement',
            constraint=models.CheckConstraint(condition=models.Q(('decline_reason__in', ['', 'no_supervisor', 'no_fit', 'language', 'availability', 'distance', 'places_filled', 'other'])), name='placement_decline_reason_valid'),
        ),
        migrations.AddConstraint(
            model_name='placement',
            constraint=models.CheckConstraint(condition=models.Q(('end_reason__in', ['', 'completed', 'not_a_fit', 'candidate_stopped', 'employer_stopped', 'health', 'found_other_work', 'other'])), name='placement_end_reason_valid'),
        ),
        migrations.AddConstraint(
            model_name='placement',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'declined'), _negated=True), models.Q(('decline_reason', ''), _negated=True), _connector='OR'), name='placement_declined_has_reason', violation_error_message='A declined placement needs a reason.'),
        ),
        migrations.AddConstraint(
            model_name='placement',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'ended'), _negated=True), models.Q(models.Q(('end_reason', ''), _negated=True), ('ended_on__isnull', False)), _connector='OR'), name='placement_ended_has_reason_and_date', violation_error_message='An ended placement needs a reason and an end date.'),
        ),
        migrations.AddField(
            model_name='contractoffer',
            name='answered_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='answered by'),
        ),
        migrations.AddField(
            model_name='contractoffer',
            name='employer',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='contract_offers', to='employers.employer', verbose_name='employer'),
        ),
        migrations.AddField(
            model_name='contractoffer',
            name='enrolment',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='contract_offers', to='candidates.enrolment', verbose_name='enrolment'),
        ),
        migrations.AddField(
            model_name='contractoffer',
            name='placement',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='contract_offers', to='employers.placement', verbose_name='placement'),
        ),
        migrations.AddField(
            model_name='contractoffer',
            name='recorded_by',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by'),
        ),
        migrations.AddField(
            model_name='jointvacancy',
            name='cohort',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='vacancies', to='pilots.cohort', verbose_name='cohort'),
        ),
        migrations.AddField(
            model_name='jointvacancy',
            name='created_by',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by'),
        ),
        migrations.AddField(
            model_name='jointvacancy',
            name='employers',
            field=models.ManyToManyField(related_name='vacancies', to='employers.employer', verbose_name='employers'),
        ),
        migrations.AddField(
            model_name='seatofferchange',
            name='by_user',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by'),
        ),
        migrations.AddField(
            model_name='seatofferchange',
            name='seat_offer',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='changes', to='employers.seatoffer', verbose_name='seat offer'),
        ),
        migrations.AddField(
            model_name='vacancyapplication',
            name='enrolment',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='vacancy_applications', to='candidates.enrolment', verbose_name='enrolment'),
        ),
        migrations.AddField(
            model_name='vacancyapplication',
            name='recorded_by',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by'),
        ),
        migrations.AddField(
            model_name='vacancyapplication',
            name='vacancy',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='applications', to='employers.jointvacancy', verbose_name='vacancy'),
        ),
        migrations.AddConstraint(
            model_name='contractoffer',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['group_helper', 'bbl', 'regular', 'other'])), name='contractoffer_kind_valid'),
        ),
        migrations.AddConstraint(
            model_name='contractoffer',
            constraint=models.CheckConstraint(condition=models.Q(('contract_type__in', ['fixed_term', 'permanent', 'on_call'])), name='contractoffer_contract_type_valid'),
        ),
        migrations.AddConstraint(
            model_name='contractoffer',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['offered', 'accepted', 'declined', 'withdrawn'])), name='contractoffer_status_valid'),
        ),
        migrations.AddConstraint(
            model_name='contractoffer',
            constraint=models.CheckConstraint(condition=models.Q(('hours_per_week__gte', 1), ('hours_per_week__lte', 40)), name='contractoffer_hours_per_week_range', violation_error_message='A contract has from 1 to 40 hours a week.'),
        ),
        migrations.AddConstraint(
            model_name='contractoffer',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('contract_type', 'fixed_term'), _negated=True), ('duration_months__isnull', False), _connector='OR'), name='contractoffer_fixed_term_has_duration', violation_error_message='A fixed-term contract needs its duration in months.'),
        ),
        migrations.AddConstraint(
            model_name='contractoffer',
            constraint=models.CheckConstraint(condition=models.Q(('duration_months__isnull', True), ('duration_months__gte', 1), _connector='OR'), name='contractoffer_duration_positive'),
        ),
        migrations.AddConstraint(
            model_name='contractoffer',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status__in', ['accepted', 'declined']), _negated=True), ('answered_at__isnull', False), _connector='OR'), name='contractoffer_answer_has_moment'),
        ),
        migrations.AddConstraint(
            model_name='contractoffer',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'accepted')), fields=('enrolment',), name='contractoffer_one_accepted_per_enrolment'),
        ),
        migrations.AddConstraint(
            model_name='jointvacancy',
            constraint=models.CheckConstraint(condition=models.Q(('closes_on__isnull', True), ('closes_on__gte', models.F('published_on')), _connector='OR'), name='jointvacancy_closes_after_publication', violation_error_message='A vacancy cannot close before it is published.'),
        ),
        migrations.AddConstraint(
            model_name='vacancyapplication',
            constraint=models.UniqueConstraint(fields=('vacancy', 'enrolment'), name='vacancyapplication_once_per_vacancy'),
        ),
    ]
